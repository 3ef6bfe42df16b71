package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Creates tenant API keys through the admin API, as an operator would. */
final class Tenants {
    private Tenants() {
    }

    /** A key of {@code tenant} with every tenant scope. */
    static String key(Api api, String admin, String tenant) {
        Api.Response created = api.post("/v1/admin/tenants/" + tenant + "/api-keys").token(admin)
                .json(Map.of("name", tenant + " backend")).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.string("key");
    }

    static String key(Api api, String admin, String tenant, List<String> scopes) {
        Api.Response created = api.post("/v1/admin/tenants/" + tenant + "/api-keys").token(admin)
                .json(Map.of("name", tenant + " limited", "scopes", scopes)).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.string("key");
    }
}
