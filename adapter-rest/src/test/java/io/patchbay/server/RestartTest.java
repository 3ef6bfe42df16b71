package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-configuration start: data and key are made once, kept across restarts; the admin key shows once. */
class RestartTest {
    @TempDir
    Path data;

    @Test
    void theAdminKeyIsMadeOnTheFirstStartOnlyAndKeepsWorking() {
        String admin;
        String tenantKey;
        try (PatchbayServer first = TestServers.start(data, Map.of())) {
            admin = first.firstAdminKey().orElseThrow();
            tenantKey = Tenants.key(new Api(first.port()), admin, "acme");
        }
        assertThat(data.resolve("patchbay.db")).exists();
        assertThat(data.resolve("keyset.json")).exists();
        assertThat(Files.isReadable(data.resolve("keyset.json"))).isTrue();

        try (PatchbayServer second = TestServers.start(data, Map.of())) {
            assertThat(second.firstAdminKey()).isEmpty();
            Api api = new Api(second.port());
            assertThat(api.get("/v1/admin/tenants/acme/api-keys").token(admin).send().status()).isEqualTo(200);
            assertThat(api.get("/v1/accounts").token(tenantKey).send().status()).isEqualTo(200);
        }
    }

    @Test
    void closingLetsARequestInFlightFinish() throws Exception {
        try (io.patchbay.connector.oneflow.fake.FakeOneflow oneflow =
                     io.patchbay.connector.oneflow.fake.FakeOneflow.start()) {
            PatchbayServer server = TestServers.start(data, Map.of("oneflow", oneflow.baseUrl()));
            Api api = new Api(server.port());
            String key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
            String id = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow", "owner_id", "u",
                    "workspace_id", Long.toString(io.patchbay.connector.oneflow.fake.FakeOneflow.WORKSPACE_SALES),
                    "credentials", Map.of("api_token", io.patchbay.connector.oneflow.fake.FakeOneflow.TOKEN,
                            "user_email", io.patchbay.connector.oneflow.fake.FakeOneflow.ADMIN_EMAIL)))
                    .send().string("account.id");
            oneflow.delayNext(java.time.Duration.ofMillis(700), 2);
            var slow = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    api.get("/v1/accounts/" + id + "/proxy/contracts").token(key).send());
            // An API call is relayed to the API server: it finishes too, before that server stops.
            var verify = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    api.post("/v1/accounts/" + id + "/verify").token(key).send());
            Thread.sleep(250);
            server.close();
            assertThat(slow.get().status()).as("answered before the server stopped").isEqualTo(200);
            assertThat(verify.get().status()).as("answered before the server stopped").isEqualTo(200);
            assertThat(verify.get().string("status")).isEqualTo("active");
        }
    }

    @Test
    void settingsForAConnectorThatIsNotLoadedStopTheStartAndReleaseEverything() {
        assertThatThrownBy(() -> PatchbayServer.start(TestServers.config(data, Map.of(),
                Map.of("PATCHBAY_CONNECTOR_TOGLE_BASE_URL", "http://127.0.0.1:9"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no connector 'togle' is loaded")
                .hasMessageContaining("loaded: [oneflow, toggl]");

        PatchbayServer server = TestServers.start(data, Map.of());
        try {
            assertThat(new Api(server.port()).get("/ready").send().status()).isEqualTo(200);
        } finally {
            server.close();
        }
    }

    @Test
    void afterCloseTheServerNoLongerAnswers() {
        PatchbayServer server = TestServers.start(data, Map.of());
        Api api = new Api(server.port());
        assertThat(api.get("/ready").send().status()).isEqualTo(200);
        server.close();
        server.close();
        try {
            api.get("/health").send();
            throw new AssertionError("the server still answers");
        } catch (java.io.UncheckedIOException expected) {
            assertThat(expected).hasCauseInstanceOf(java.net.ConnectException.class);
        }
    }
}
