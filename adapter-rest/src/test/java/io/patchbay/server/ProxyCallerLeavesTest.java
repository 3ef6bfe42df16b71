package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.server.ScriptedUpstream.Reply;
import io.patchbay.storage.Keysets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy caller that leaves while its key is still being read from the database: nobody will read the provider's
 * answer, so the provider is not called. On PostgreSQL, where the test can hold that read on a table lock.
 */
class ProxyCallerLeavesTest {
    @TempDir
    Path dir;

    @Test
    void aCallerThatLeavesWhileItsKeyIsReadCausesNoProviderCallAndIsLoggedAs499() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
             ScriptedUpstream upstream = new ScriptedUpstream()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            upstream.script(r -> Reply.ok("{}"));
            try (PatchbayServer server = PatchbayServer.start(TestServers.config(dir, Map.of("toggl",
                    upstream.baseUrl()), Map.of("PATCHBAY_DATABASE_URL", url, "PATCHBAY_DATABASE_USER", "postgres",
                    "PATCHBAY_KEYSET_JSON", Keysets.generate())));
                 LogCapture logs = new LogCapture()) {
                Api api = new Api(server.port());
                String admin = server.firstAdminKey().orElseThrow();
                Api.Response linked = api.post("/v1/accounts").token(Tenants.key(api, admin, "leaving"))
                        .json(Map.of("connector_id", "toggl", "owner_id", "u1", "credentials",
                                Map.of("api_token", ScriptedUpstream.TOKEN))).send();
                assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
                String path = "/v1/accounts/" + linked.string("account.id") + "/proxy/api/v9/items";
                // Never used yet: the listener reads it from the database, off the event loop.
                String unseen = Tenants.key(api, admin, "leaving", List.of("proxy:invoke"));

                try (Connection db = DriverManager.getConnection(url, "postgres", "postgres");
                     Connection watch = DriverManager.getConnection(url, "postgres", "postgres")) {
                    db.setAutoCommit(false);
                    try (Statement lock = db.createStatement()) {
                        lock.execute("LOCK TABLE api_key IN ACCESS EXCLUSIVE MODE");
                    }
                    try (Socket caller = new Socket("127.0.0.1", server.port())) {
                        caller.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                                + "Bearer " + unseen + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        await(() -> readsWaitingForALock(watch) > 0);
                    }
                    // The listener sees the close at once; the pause only spares a loaded machine a race.
                    Thread.sleep(300);
                    db.rollback();
                }

                await(() -> accessLines(logs, path).size() == 1);
                assertThat(accessLines(logs, path).get(0)).contains(" 499 ");
                assertThat(upstream.scripted()).as("the provider got no request").isEmpty();
            }
        }
    }

    /** Asked on a connection of its own: within a transaction, PostgreSQL shows one snapshot of the activity. */
    private static int readsWaitingForALock(Connection db) {
        try (Statement query = db.createStatement(); ResultSet waiting = query.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%api_key%'")) {
            waiting.next();
            return waiting.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> accessLines(LogCapture logs, String path) {
        return logs.lines().stream().filter(line -> line.startsWith("io.patchbay.server.access-log ")
                && line.contains(path + " ")).toList();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int waited = 0; !condition.getAsBoolean(); waited += 10) {
            assertThat(waited).as("waited for the condition").isLessThan(10_000);
            Thread.sleep(10);
        }
    }
}
