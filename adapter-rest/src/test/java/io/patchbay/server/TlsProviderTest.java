package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.testkit.TrustedTestAuthority;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers are reached over TLS, as in production: the certificate must chain to a trusted authority (here the
 * JVM's trust store, pointed at a test authority) and name the host the base URL names.
 */
class TlsProviderTest {
    static TrustedTestAuthority authority;

    @TempDir
    static Path trust;

    @BeforeAll
    static void trustATestAuthority() throws IOException, GeneralSecurityException {
        authority = TrustedTestAuthority.install(trust);
    }

    @AfterAll
    static void restoreTrust() {
        authority.close();
    }

    @Test
    void theProxyReachesAnHttpsProviderAndRefusesOneWhoseCertificateNamesAnotherHost(@TempDir Path data)
            throws IOException, InterruptedException {
        try (MockWebServer good = provider("localhost"); MockWebServer impostor = provider("elsewhere.example")) {
            String account;
            String key;
            try (PatchbayServer server = PatchbayServer.start(TestServers.config(data,
                    Map.of("toggl", good.url("/").uri())))) {
                Api api = new Api(server.port());
                key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "tls");
                Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                        "owner_id", "u", "credentials", Map.of("api_token", ScriptedUpstream.TOKEN))).send();
                assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
                account = linked.string("account.id");

                Api.Response proxied = api.get("/v1/accounts/" + account + "/proxy/api/v9/projects/1").token(key)
                        .send();
                assertThat(proxied.status()).as(proxied.toString()).isEqualTo(200);
                assertThat(proxied.body()).isEqualTo("{\"id\":1}");
                RecordedRequest sent = lastRequestFor(good, "/api/v9/projects/1");
                assertThat(sent.getHandshake()).as("sent over TLS").isNotNull();
                assertThat(sent.getHeaders().get("Authorization")).isEqualTo(EdgeProxyTest.BASIC);
            }

            // The same account, its provider now at a host whose certificate names another.
            try (PatchbayServer server = PatchbayServer.start(TestServers.config(data,
                    Map.of("toggl", impostor.url("/").uri())))) {
                Api api = new Api(server.port());
                Api.Response refused = api.get("/v1/accounts/" + account + "/proxy/api/v9/projects/1").token(key)
                        .send();
                assertThat(refused.status()).isEqualTo(502);
                assertThat(refused.string("code")).isEqualTo("provider_unavailable");
                assertThat(impostor.getRequestCount()).as("nothing, the token least of all, was sent").isZero();
            }
        }
    }

    /** A Toggl-like provider over TLS with a certificate for {@code host} from the test authority. */
    private static MockWebServer provider(String host) throws IOException {
        MockWebServer server = new MockWebServer();
        server.useHttps(authority.serverCertificates(host).sslSocketFactory());
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = switch (request.getTarget()) {
                    case "/api/v9/me" -> "{\"id\":1001,\"email\":\"tls@example.com\",\"fullname\":\"TLS\","
                            + "\"timezone\":\"UTC\",\"default_workspace_id\":2001}";
                    case "/api/v9/me/workspaces" -> "[{\"id\":2001,\"name\":\"TLS\",\"organization_id\":3001,"
                            + "\"admin\":true,\"role\":\"admin\"}]";
                    default -> "{\"id\":1}";
                };
                return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                        .body(body).build();
            }
        });
        server.start();
        return server;
    }

    private static RecordedRequest lastRequestFor(MockWebServer server, String target) throws InterruptedException {
        RecordedRequest found = null;
        for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS); r != null;
             r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
            if (r.getTarget().equals(target)) {
                found = r;
            }
        }
        assertThat(found).as("a request for " + target).isNotNull();
        return found;
    }
}
