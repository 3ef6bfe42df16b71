package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tenants on one server: every account route answers another tenant's key exactly as for an id that does not
 * exist, whether the key acts tenant-wide or for the account's own owner id, and nothing reaches the provider.
 */
class CrossTenantTest {
    @TempDir
    static Path data;
    static FakeOneflow oneflow;
    static PatchbayServer server;
    static Api api;
    static String acme;
    static String globex;
    static String accountId;

    @BeforeAll
    static void start() {
        oneflow = FakeOneflow.start();
        server = TestServers.start(data, Map.of("oneflow", oneflow.baseUrl()));
        api = new Api(server.port());
        String admin = server.firstAdminKey().orElseThrow();
        acme = Tenants.key(api, admin, "acme");
        globex = Tenants.key(api, admin, "globex");
        Api.Response linked = api.post("/v1/accounts").token(acme).json(Map.of("connector_id", "oneflow",
                "owner_id", "alice", "label", "Acme contracts", "workspace_id",
                Long.toString(FakeOneflow.WORKSPACE_SALES), "visibility", "tenant",
                "credentials", Map.of("api_token", FakeOneflow.TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        accountId = linked.string("account.id");
    }

    @AfterAll
    static void stop() {
        server.close();
        oneflow.close();
    }

    /** Every route that names an account, with a body that would be valid for the owning tenant. */
    static List<Api.Call> accountRoutes(String token, String owner) {
        String base = "/v1/accounts/" + accountId;
        Map<String, Object> credentials = Map.of("credentials",
                Map.of("api_token", FakeOneflow.TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL));
        List<Api.Call> calls = List.of(
                api.get(base),
                api.patch(base).json(Map.of("label", "stolen")),
                api.put(base + "/credentials").json(credentials),
                api.post(base + "/verify"),
                api.post(base + "/actions/list_templates").json(Map.of()),
                api.get(base + "/proxy/contracts"),
                api.post(base + "/proxy/contracts/create").json(Map.of("template_id", 1)),
                api.put(base + "/proxy/contracts/1").json(Map.of()),
                api.patch(base + "/proxy/contracts/1").json(Map.of()),
                api.delete(base + "/proxy/contracts/1"),
                api.delete(base));
        calls.forEach(c -> c.token(token));
        if (owner != null) {
            calls.forEach(c -> c.owner(owner));
        }
        return calls;
    }

    @Test
    void anotherTenantsKeyGetsNotFoundOnEveryAccountRoute() {
        oneflow.clearRequests();
        for (String owner : new String[] {null, "alice"}) {
            for (Api.Call call : accountRoutes(globex, owner)) {
                Api.Response response = call.send();
                assertThat(response.status()).as(response.toString()).isEqualTo(404);
                assertThat(response.string("code")).isEqualTo("account_not_found");
                assertThat(response.body()).doesNotContain("Acme contracts").doesNotContain(FakeOneflow.ADMIN_EMAIL);
            }
        }
        assertThat(oneflow.requests()).as("nothing reached the provider").isEmpty();

        Api.Response list = api.get("/v1/accounts").token(globex).send();
        assertThat(list.list("data")).isEmpty();
        Api.Response filtered = api.get("/v1/accounts?owner_id=alice&connector_id=oneflow").token(globex).send();
        assertThat(filtered.list("data")).isEmpty();

        Api.Response session = api.post("/v1/connect-sessions").token(globex)
                .json(Map.of("owner_id", "alice", "account_id", accountId)).send();
        assertThat(session.status()).isEqualTo(404);

        Api.Response mine = api.get("/v1/accounts/" + accountId).token(acme).send();
        assertThat(mine.status()).as("still there, unchanged").isEqualTo(200);
        assertThat(mine.string("label")).isEqualTo("Acme contracts");
        assertThat(mine.at("version")).isEqualTo(0.0);
    }

    @Test
    void anUnknownIdAnswersExactlyLikeAnotherTenantsAccount() {
        Api.Response foreign = api.get("/v1/accounts/" + accountId).token(globex).send();
        Api.Response unknown = api.get("/v1/accounts/acc_0000000000000000000000000").token(globex).send();
        assertThat(foreign.status()).isEqualTo(unknown.status());
        assertThat(foreign.string("code")).isEqualTo(unknown.string("code"));
        assertThat(foreign.string("title")).isEqualTo(unknown.string("title"));
    }
}
