package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.storage.Keysets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production layout: two server instances configured only through settings, sharing one PostgreSQL database
 * and one keyset given as JSON. What one instance links, the other reads and uses; a key revoked on one is refused
 * by both (at once for admin work).
 */
class TwoInstancesOnPostgresTest {
    @TempDir
    Path dir;

    @Test
    void twoInstancesShareAccountsKeysAndSessions() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
             FakeOneflow oneflow = FakeOneflow.start()) {
            String keyset = Keysets.generate();
            Map<String, String> settings = Map.of(
                    "PATCHBAY_PORT", "0",
                    "PATCHBAY_DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"),
                    "PATCHBAY_DATABASE_USER", "postgres",
                    "PATCHBAY_KEYSET_JSON", keyset,
                    "PATCHBAY_CONNECTORS_DIR", dir.resolve("connectors").toString(),
                    "PATCHBAY_CONNECTOR_ONEFLOW_BASE_URL", oneflow.baseUrl().toString());
            try (PatchbayServer first = PatchbayServer.start(ConfigLoader.load(settings));
                 PatchbayServer second = PatchbayServer.start(ConfigLoader.load(settings))) {
                assertThat(second.firstAdminKey()).as("the admin key is made once per database").isEmpty();
                Api a = new Api(first.port());
                Api b = new Api(second.port());
                String admin = first.firstAdminKey().orElseThrow();
                Api.Response created = a.post("/v1/admin/tenants/acme/api-keys").token(admin)
                        .json(Map.of("name", "backend")).send();
                String key = created.string("key");

                String session = b.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "u1",
                        "allowed_connectors", java.util.List.of("oneflow"))).send().string("token");
                Api.Response linked = a.post("/v1/accounts").token(session).json(Map.of("connector_id", "oneflow",
                        "workspace_id", Long.toString(FakeOneflow.WORKSPACE_SALES), "credentials",
                        Map.of("api_token", FakeOneflow.TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL))).send();
                assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
                String id = linked.string("account.id");

                assertThat(b.get("/v1/accounts/" + id).token(key).send().string("owner_id")).isEqualTo("u1");

                // An edit session used across instances: a slow, failing attempt on A makes B's wait (409), not
                // spends the session; B still reads with it, and changes once A's attempt is over; then it is used.
                Api.Response edit = b.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "u1",
                        "account_id", id)).send();
                String editToken = edit.string("token");
                oneflow.clearRequests();
                oneflow.delayNext(java.time.Duration.ofMillis(1500), 1);
                var bad = java.util.concurrent.CompletableFuture.supplyAsync(() -> a.put("/v1/accounts/" + id
                        + "/credentials").token(editToken).json(Map.of("credentials", Map.of("api_token",
                        FakeOneflow.REVOKED_TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL))).send());
                long asked = System.nanoTime() + 10_000_000_000L;
                while (oneflow.requests().isEmpty() && System.nanoTime() < asked) {
                    Thread.sleep(10);
                }
                assertThat(b.get("/v1/accounts/" + id).token(editToken).send().status()).isEqualTo(200);
                Map<String, Object> good = Map.of("credentials", Map.of("api_token", FakeOneflow.TOKEN,
                        "user_email", FakeOneflow.ADMIN_EMAIL));
                Api.Response busy = b.put("/v1/accounts/" + id + "/credentials").token(editToken).json(good).send();
                assertThat(busy.status()).as(busy.toString()).isEqualTo(409);
                assertThat(busy.string("code")).isEqualTo("session_busy");
                assertThat(bad.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(422);
                Api.Response rotated = b.put("/v1/accounts/" + id + "/credentials").token(editToken).json(good)
                        .send();
                assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
                Api.Response used = a.put("/v1/accounts/" + id + "/credentials").token(editToken).json(good).send();
                assertThat(used.status()).as(used.toString()).isEqualTo(401);
                assertThat(used.string("code")).isEqualTo("session_used");
                try (var connection = java.sql.DriverManager.getConnection(postgres.getJdbcUrl("postgres",
                        "postgres"), "postgres", null);
                     var rs = connection.createStatement().executeQuery("SELECT used_at, claimed_until FROM "
                             + "connect_session WHERE id = '" + edit.string("id") + "'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject("used_at")).as("used once, on B").isNotNull();
                    assertThat(rs.getObject("claimed_until")).isNull();
                }
                oneflow.clearRequests();
                Api.Response proxied = b.get("/v1/accounts/" + id + "/proxy/contracts/"
                        + FakeOneflow.CONTRACT_SIGNED).token(key).send();
                assertThat(proxied.status()).as("the other instance opens the sealed token").isEqualTo(200);
                assertThat(oneflow.requests().get(0).header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);

                // B now holds the account in memory; a rename and a disconnect on A reach it through the database.
                assertThat(a.patch("/v1/accounts/" + id).token(key).json(Map.of("label", "Renamed on A")).send()
                        .status()).isEqualTo(200);
                assertThat(eventually("Renamed on A", () -> b.get("/v1/accounts/" + id).token(key).send()
                        .string("label"))).isEqualTo("Renamed on A");
                assertThat(a.delete("/v1/accounts/" + id).token(key).send().status()).isEqualTo(204);
                assertThat(eventually("404", () -> Integer.toString(b.get("/v1/accounts/" + id + "/proxy/contracts")
                        .token(key).send().status()))).isEqualTo("404");
                // The proxy's miss reads the database at once; B's account cache hears of the delete by NOTIFY.
                assertThat(eventually("404", () -> Integer.toString(b.get("/v1/accounts/" + id).token(key).send()
                        .status()))).isEqualTo("404");

                // PostgreSQL refuses a NUL in text; it is refused first, naming the value, never a 500.
                String nulCursor = java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString("c2:accounts:x:a\u0000b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                for (String query : java.util.List.of("label=a%00b", "owner_id=a%00b", "connector_id=a%00b",
                        "cursor=" + nulCursor)) {
                    Api.Response refused = a.get("/v1/accounts?" + query).token(key).send();
                    assertThat(refused.status()).as(query + " " + refused).isEqualTo(400);
                    assertThat(refused.errorFields()).containsExactly(query.substring(0, query.indexOf('=')));
                }
                Api.Response nulAccount = a.post("/v1/connect-sessions").token(key)
                        .raw("{\"owner_id\":\"u1\",\"account_id\":\"a\\u0000b\"}").send();
                assertThat(nulAccount.status()).as(nulAccount.toString()).isEqualTo(422);
                assertThat(nulAccount.errorFields()).containsExactly("account_id");

                // An admin key revoked on A cannot mint a key on B, not even while B still holds it in memory.
                Api.Response secondAdmin = a.post("/v1/admin/tenants/default/api-keys").token(admin)
                        .json(Map.of("name", "second admin", "scopes", java.util.List.of("admin"))).send();
                String leaked = secondAdmin.string("key");
                assertThat(b.get("/v1/connectors").token(leaked).send().status()).as("now cached on B").isEqualTo(200);
                assertThat(a.delete("/v1/admin/tenants/default/api-keys/" + secondAdmin.string("id")).token(admin)
                        .send().status()).isEqualTo(200);
                Api.Response minted = b.post("/v1/admin/tenants/acme/api-keys").token(leaked)
                        .json(Map.of("name", "after revocation")).send();
                assertThat(minted.status()).as(minted.toString()).isEqualTo(401);
                assertThat(minted.string("code")).isEqualTo("invalid_api_key");

                assertThat(a.delete("/v1/admin/tenants/acme/api-keys/" + created.string("id")).token(admin).send()
                        .status()).isEqualTo(200);
                assertThat(a.get("/v1/accounts").token(key).send().status()).isEqualTo(401);
                // The other instance may trust its own cache of the key for a few seconds, no longer.
                long deadline = System.nanoTime() + 10_000_000_000L;
                int status = b.get("/v1/accounts").token(key).send().status();
                while (status != 401 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    status = b.get("/v1/accounts").token(key).send().status();
                }
                assertThat(status).isEqualTo(401);
            }
        }
    }

    /** The value read once it is the expected one, or the last read after a few seconds. */
    private static String eventually(String expected, java.util.function.Supplier<String> read)
            throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String value = read.get();
        while (!value.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            value = read.get();
        }
        return value;
    }
}
