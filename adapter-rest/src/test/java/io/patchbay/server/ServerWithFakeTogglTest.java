package io.patchbay.server;

import io.patchbay.connector.toggl.fake.FakeToggl;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests over HTTP against one real server for the class, on its own SQLite data, with Toggl pointed at a fake.
 * Before each test the fake starts from its seed and {@link #key} is a new tenant's key: one Toggl user and
 * workspace links once per tenant.
 */
abstract class ServerWithFakeTogglTest {
    @TempDir
    static Path data;
    static FakeToggl toggl;
    static PatchbayServer server;
    static Api api;
    static String admin;
    private static int tenants;
    String key;

    /** The start of this class's tenant ids. */
    abstract String tenantPrefix();

    @BeforeAll
    static void start() {
        toggl = FakeToggl.start();
        server = TestServers.start(data, Map.of("toggl", toggl.baseUrl()));
        api = new Api(server.port());
        admin = server.firstAdminKey().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
        toggl.close();
    }

    @BeforeEach
    void tenant() {
        toggl.reset();
        key = Tenants.key(api, admin, tenantPrefix() + ++tenants);
    }
}
