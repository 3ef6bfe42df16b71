package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drop-in connector built by the test, loaded by the real server from its connectors folder and used over HTTP
 * against providers on 127.0.0.1 that record what reaches them.
 */
class DropInJourneyTest {
    private static final String TOKEN = "tok-0123456789abcdef";

    @TempDir
    Path dataDir;
    private Provider own;
    private Provider other;

    /** A provider that answers 200 to everything and records each request's method, path and Authorization. */
    private record Provider(HttpServer server, List<String> seen) implements AutoCloseable {
        static Provider start() throws IOException {
            List<String> seen = new CopyOnWriteArrayList<>();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return new Provider(server, seen);
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @BeforeEach
    void startProviders() throws IOException {
        own = Provider.start();
        other = Provider.start();
    }

    @AfterEach
    void stopProviders() {
        own.close();
        other.close();
    }

    private PatchbayServer start(Map<String, String> settings) {
        return PatchbayServer.start(TestServers.config(dataDir, Map.of(), settings));
    }

    /** An account of {@code connector} linked through the API with {@link #TOKEN}; its id. */
    private static String link(Api api, String key, String connector) {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", connector,
                "owner_id", "u1", "credentials", Map.of("api_token", TOKEN))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        return linked.string("account.id");
    }

    @Test
    void aProxyTargetOutsideTheConnectorsBaseUrlIsRefusedAndTheOtherOriginReceivesNothing() {
        DropIns.connector("otherhost").proxyTarget("return new ProxyTarget(URI.create(\"" + other.baseUrl()
                + "\"), Map.of(\"Authorization\", \"Bearer \" + c.require(\"api_token\")), Set.of());")
                .into(dataDir.resolve("connectors"));
        try (PatchbayServer server = start(Map.of("PATCHBAY_CONNECTOR_OTHERHOST_BASE_URL", own.baseUrl().toString()))) {
            Api api = new Api(server.port());
            String key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
            String id = link(api, key, "otherhost");
            assertThat(api.post("/v1/accounts/" + id + "/actions/whoami").token(key).json(Map.of()).send().status())
                    .isEqualTo(200);
            assertThat(own.seen()).as("verify and the action go to the base URL").containsExactly(
                    "GET /me Bearer " + TOKEN, "GET /me Bearer " + TOKEN);

            Api.Response proxied;
            try (LogCapture logs = new LogCapture()) {
                proxied = api.get("/v1/accounts/" + id + "/proxy/me").token(key).send();
                String ownOrigin = "http://127.0.0.1:" + own.baseUrl().getPort();
                String otherOrigin = "http://127.0.0.1:" + other.baseUrl().getPort();
                assertThat(logs.lines(Level.ERROR)).singleElement().asString()
                        .contains("Connector 'otherhost'").contains(otherOrigin).contains(ownOrigin)
                        .doesNotContain(TOKEN);
            }

            assertThat(proxied.status()).as(proxied.toString()).isEqualTo(502);
            assertThat(proxied.string("code")).isEqualTo("connector_proxy_target_invalid");
            assertThat(proxied.string("detail")).contains("'otherhost'").doesNotContain(TOKEN);
            assertThat(other.seen()).as("the credentials never reach the other origin").isEmpty();
            assertThat(own.seen()).as("nor anything else").hasSize(2);
        }
    }

    @Test
    void aConnectorGivingNoResultOrFailingOutsideTheSpiIsAnsweredAsItsFaultNamingItAndLoggedOnce() {
        String noResult = "null-0123456789abcdef";
        DropIns.connector("faulty")
                .verify("if (c.require(\"api_token\").startsWith(\"null-\")) return null;\n"
                        + "return new Verification(new ProviderIdentity(\"u1\", Optional.empty(), \"Test user\", "
                        + "Optional.empty(), Map.of()), List.of(), List.of());")
                .invoke("throw new IllegalStateException(\"cannot \" + call.credentials().require(\"api_token\"));")
                .proxyTarget("throw new UnsupportedOperationException(\"no proxy\");")
                .into(dataDir.resolve("connectors"));
        try (PatchbayServer server = start(Map.of())) {
            Api api = new Api(server.port());
            String key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
            String id = link(api, key, "faulty");
            try (LogCapture logs = new LogCapture()) {
                Api.Response check = api.post("/v1/connectors/faulty/check").token(key)
                        .json(Map.of("credentials", Map.of("api_token", noResult))).send();
                Api.Response action = api.post("/v1/accounts/" + id + "/actions/whoami").token(key).json(Map.of())
                        .send();
                Api.Response proxied = api.get("/v1/accounts/" + id + "/proxy/me").token(key).send();

                assertThat(List.of(check, action, proxied)).allSatisfy(r -> {
                    assertThat(r.status()).as(r.toString()).isEqualTo(502);
                    assertThat(r.string("code")).isEqualTo("connector_failed");
                    assertThat(r.body()).doesNotContain(TOKEN).doesNotContain(noResult);
                });
                assertThat(check.string("detail")).startsWith("Connector 'faulty' returned no result from verify;");
                assertThat(action.string("detail"))
                        .startsWith("Connector 'faulty' failed in action 'whoami': IllegalStateException;");
                assertThat(proxied.string("detail"))
                        .startsWith("Connector 'faulty' failed in proxyTarget: UnsupportedOperationException;");
                assertThat(logs.lines(Level.ERROR)).as("one line each, naming the connector, none a 500's")
                        .hasSize(3).allSatisfy(line -> assertThat(line).contains("Connector 'faulty'")
                                .doesNotContain(TOKEN).doesNotContain("Unexpected failure"));
            }
        }
    }
}
