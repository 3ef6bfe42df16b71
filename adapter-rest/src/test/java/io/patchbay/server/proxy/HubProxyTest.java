package io.patchbay.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.oneflow.fake.RecordedCall;
import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.core.Hub;
import io.patchbay.core.account.LinkRequest;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.ProxyRouteBlockedException;
import io.patchbay.core.plugin.ConnectorRegistry;
import io.patchbay.core.proxy.ProxyRequest;
import io.patchbay.core.proxy.ProxyResponse;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.storage.PatchbayStorage;
import io.patchbay.storage.StorageConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedders' proxy ({@code hub.proxy()}), as an embedder wires it: real SQLite storage, the real connectors,
 * the fake Toggl and Oneflow on 127.0.0.1. Every assertion is on what the provider received or what came back.
 */
class HubProxyTest {
    private static final String TOKEN = FakeToggl.CAROL.apiToken();
    private static final Viewer OWNER = Viewer.endUser("acme", "user-42", null);

    @TempDir
    Path dataDir;
    private FakeToggl toggl;
    private FakeOneflow oneflow;
    private PatchbayStorage storage;
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private Hub hub;
    private LinkedAccount account;

    @BeforeEach
    void start() {
        toggl = FakeToggl.start();
        oneflow = FakeOneflow.start();
        storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dataDir));
        hub = hub(Map.of("toggl", toggl.baseUrl(), "oneflow", oneflow.baseUrl()), Duration.ofSeconds(2));
        account = hub.links().link(OWNER, new LinkRequest("toggl", new Credentials("api_token",
                Map.of("api_token", TOKEN)), Optional.empty(), Optional.empty(), "user-42", Optional.empty(),
                Visibility.PRIVATE)).account();
        toggl.clearRequests();
    }

    /** A hub on the shared storage whose connectors call these base URLs; closed after the test. */
    private Hub hub(Map<String, URI> baseUrls, Duration callTimeout) {
        ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                // No client-side pace for Toggl: these tests send requests back to back to a fake.
                id -> baseUrls.containsKey(id) ? ConnectorContext.defaults(id).withBaseUrl(baseUrls.get(id))
                        .withSettings(id.equals("toggl") ? Map.of("requests_per_second", "10000") : Map.of())
                        : ConnectorContext.defaults(id));
        Hub made = Hub.builder().connectors(registry.connectors()).store(storage.accounts())
                .accountChanges(storage.accountChanges()).cipher(storage.cipher()).auditLog(storage.auditLog())
                .callTimeout(callTimeout).build();
        closeLast.add(0, registry);
        closeLast.add(0, made);
        return made;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeLast) {
            closeable.close();
        }
        storage.close();
        toggl.close();
        oneflow.close();
    }

    @Test
    void theProviderGetsThePathQueryAndTheAccountsAuthButNoneOfTheCallersOwnHeaders() {
        ProxyRequest request = ProxyRequest.of("GET", "api/v9/me").withQuery("with_related_data=false&tag=a|b")
                .withHeader("Patchbay-Owner-Id", "someone-else").withHeader("Cookie", "session=caller")
                .withHeader("Authorization", "Bearer caller-key").withHeader("X-Forwarded-For", "203.0.113.7")
                .withHeader("X-Real-IP", "203.0.113.7").withHeader("Accept-Encoding", "gzip")
                .withHeader("X-Request-Id", "req-1").withHeader("Range", "bytes=10-13").withHeader("If-Range", "\"e1\"");

        ProxyResponse answer = hub.proxy().send(OWNER, account.id(), request);

        assertThat(answer.status()).isEqualTo(200);
        FakeRequest received = toggl.lastRequest();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo("/api/v9/me");
        assertThat(received.query("with_related_data")).isEqualTo("false");
        assertThat(received.query("tag")).isEqualTo("a|b");
        assertThat(received.basicAuth()).contains(List.of(TOKEN, "api_token"));
        assertThat(received.header("X-Request-Id")).isEqualTo("req-1");
        assertThat(received.header("Accept-Encoding")).isEqualTo("identity");
        for (String dropped : List.of("Patchbay-Owner-Id", "Cookie", "X-Forwarded-For", "X-Real-IP", "Range",
                "If-Range")) {
            assertThat(received.header(dropped)).as(dropped).isNull();
        }
        // Toggl's /me shows the account's token: the answer never does.
        assertThat(answer.bodyText()).contains("\"api_token\":\"[REDACTED]\"").doesNotContain(TOKEN)
                .contains(FakeToggl.CAROL.email());
    }

    @Test
    void theAuthHeaderMadeFromTheTokenIsMaskedInWhatIsLoggedDuringTheCall() {
        String basic = java.util.Base64.getEncoder().encodeToString((TOKEN + ":api_token")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        hub.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me"));

        assertThat(toggl.lastRequest().header("Authorization")).isEqualTo("Basic " + basic);
        // An HTTP client's own log (the JDK's, with -Djdk.httpclient.HttpClient.log=headers) would show it.
        assertThat(io.patchbay.core.catalog.CallSecrets.mask("authorization: Basic " + basic))
                .doesNotContain(basic).doesNotContain(basic.substring(0, 12));
    }

    @Test
    void aBlockedRouteNeverReachesTheProviderHoweverItIsSpelledOrAskedFor() {
        for (ProxyRequest blocked : List.of(ProxyRequest.of("POST", "api/v9/desktop_login_tokens"),
                ProxyRequest.of("post", "API/v9/Desktop_Login_Tokens/"),
                ProxyRequest.of("POST", "api/v9/%64esktop_login_tokens"),
                ProxyRequest.of("GET", "api/v9/desktop_login"),
                ProxyRequest.of("HEAD", "api/v9/desktop_login"),
                ProxyRequest.of("POST", "api/v9/me/reset_token").withJson("{}"),
                ProxyRequest.of("POST", "api/v9/workspaces/" + FakeToggl.WS_GLOBEX + "/ical/reset"))) {
            assertThatThrownBy(() -> hub.proxy().send(OWNER, account.id(), blocked)).as(blocked.toString())
                    .isInstanceOfSatisfying(ProxyRouteBlockedException.class, e -> {
                        assertThat(e.code()).isEqualTo("proxy_route_blocked");
                        assertThat(e.getMessage()).contains("is not available through the proxy");
                    });
        }
        assertThat(toggl.requests()).isEmpty();
        assertThat(toggl.apiToken(FakeToggl.CAROL)).as("the token was not reset").isEqualTo(TOKEN);
    }

    @Test
    void theTokenIsMaskedInTheAnswersHeadersAndBodyAndProviderCookiesStayBehind() {
        String basic = FakeToggl.basic(TOKEN, "api_token");
        toggl.enqueue(new Fault(200, Map.of("Content-Type", "application/json", "X-Echo", "token " + TOKEN,
                "Set-Cookie", "__Host-session=provider", "Server", "nginx"),
                "{\"seen\":\"" + TOKEN + "\",\"auth\":\"" + basic + "\",\"token\":\"minted-elsewhere\"}",
                Duration.ZERO, "/api/v9/me"));

        ProxyResponse answer = hub.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me"));

        assertThat(answer.bodyText())
                .isEqualTo("{\"seen\":\"[REDACTED]\",\"auth\":\"[REDACTED]\",\"token\":\"[REDACTED]\"}");
        assertThat(answer.header("x-echo")).contains("token [REDACTED]");
        assertThat(answer.header("content-type")).contains("application/json");
        assertThat(answer.headers()).doesNotContainKeys("set-cookie", "server", "content-length");
    }

    @Test
    void headerNamesWithUnderscoresCrossCorsAndHeadersNamedAfterTheTokenStayBehindAsOnTheServersProxy() {
        assertThatThrownBy(() -> hub.proxy().send(OWNER, account.id(), ProxyRequest.of("POST", "api/v9/me")
                .withHeader("X_HTTP_Method_Override", "DELETE")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::code).containsExactly("method_override_refused"));
        toggl.enqueue(new Fault(200, Map.of("Content-Type", "application/json", "Access-Control-Allow-Origin", "*",
                "Timing-Allow-Origin", "*", "X-" + TOKEN, "1", "X-Kept", "yes"), "{}", Duration.ZERO, "/api/v9/me"));

        ProxyResponse answer = hub.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")
                .withHeader("X_Forwarded_For", "203.0.113.7").withHeader("X_Request_Note", "kept"));

        assertThat(toggl.lastRequest().header("X_Forwarded_For")).isNull();
        assertThat(toggl.lastRequest().header("X_Request_Note")).isEqualTo("kept");
        assertThat(answer.headers()).doesNotContainKeys("access-control-allow-origin", "timing-allow-origin",
                ("x-" + TOKEN)).containsKey("x-kept");
    }

    @Test
    void aGzipAnswerIsDecodedThenMasked() throws IOException {
        byte[] json = ("{\"api_token\":\"" + TOKEN + "\",\"name\":\"Zoë\"}").getBytes(StandardCharsets.UTF_8);
        List<String> acceptEncoding = new ArrayList<>();
        HttpServer provider = provider(exchange -> {
            acceptEncoding.add(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            return gzip(json);
        });
        Hub viaProvider = hub(Map.of("toggl", URI.create("http://127.0.0.1:" + provider.getAddress().getPort())),
                Duration.ofSeconds(2));

        ProxyResponse answer = viaProvider.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me"));

        assertThat(acceptEncoding).containsExactly("identity");
        assertThat(answer.bodyText()).isEqualTo("{\"api_token\":\"[REDACTED]\",\"name\":\"Zoë\"}");
        assertThat(answer.headers()).doesNotContainKey("content-encoding");
    }

    @Test
    void aCodingOnASecondContentEncodingLineIsRefusedNotPassedOnUnmasked() throws IOException {
        byte[] json = ("{\"api_token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpServer provider = provider(exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "identity");
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            return gzip(json);
        });
        Hub viaProvider = hub(Map.of("toggl", URI.create("http://127.0.0.1:" + provider.getAddress().getPort())),
                Duration.ofSeconds(2));

        assertThatThrownBy(() -> viaProvider.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("provider_encoding_unsupported");
                    assertThat(e.getMessage()).contains("one gzip or deflate coding").doesNotContain(TOKEN);
                });
    }

    @Test
    void anotherOwnersOrTenantsCallerIsToldTheAccountDoesNotExist() {
        for (Viewer stranger : List.of(Viewer.endUser("acme", "user-99", null), Viewer.tenantWide("globex"),
                Viewer.endUser("globex", "user-42", null))) {
            assertThatThrownBy(() -> hub.proxy().send(stranger, account.id(), ProxyRequest.of("GET", "api/v9/me")))
                    .as(stranger.toString()).isInstanceOf(NotFoundException.class);
        }
        assertThat(hub.proxy().send(Viewer.tenantWide("acme"), account.id(), ProxyRequest.of("GET", "api/v9/me"))
                .status()).as("the tenant itself may").isEqualTo(200);
        assertThat(toggl.requests()).hasSize(1);
    }

    @Test
    void requestsThatWouldLeaveTheBaseUrlOrCannotBeSentAreRefusedNamingTheField() {
        Map<String, ProxyRequest> refused = Map.of(
                "path", ProxyRequest.of("GET", "../admin"),
                "path ", ProxyRequest.of("GET", "api/%2e%2e/%2e%2e/x"),
                "path  ", ProxyRequest.of("GET", "http://evil.example/api/v9/me"),
                "path   ", ProxyRequest.of("GET", "api/v9%2Fme"),
                "path    ", ProxyRequest.of("GET", "//evil.example/x"),
                "path     ", ProxyRequest.of("GET", "api/v9/me?user=other"),
                "query", ProxyRequest.of("GET", "api/v9/me").withQuery("a=\r\nHost: evil"),
                "headers.X-Note", ProxyRequest.of("GET", "api/v9/me").withHeader("X-Note", "a\r\nHost: evil"),
                "headers", ProxyRequest.of("GET", "api/v9/me").withHeader("Bad Name", "x"),
                "method", ProxyRequest.of("TRACE", "api/v9/me"));
        refused.forEach((field, request) ->
                assertThatThrownBy(() -> hub.proxy().send(OWNER, account.id(), request)).as(request.toString())
                        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                                .singleElement().satisfies(error -> assertThat(error.field())
                                        .isEqualTo(field.strip()))));
        // A provider honouring it would take this POST for a DELETE the blocked routes were never checked against.
        assertThatThrownBy(() -> hub.proxy().send(OWNER, account.id(), ProxyRequest.of("POST", "api/v9/me")
                .withJson("{}").withHeader("x-http-method-override", "DELETE")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(error -> {
                            assertThat(error.field()).isEqualTo("headers.x-http-method-override");
                            assertThat(error.code()).isEqualTo("method_override_refused");
                        }));
        assertThat(toggl.requests()).isEmpty();
    }

    @Test
    void aMethodParameterInTheQueryOrAFormIsRefused() {
        String multipart = "--b\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nDELETE\r\n--b--\r\n";
        Map<ProxyRequest, String> refused = Map.of(
                ProxyRequest.of("POST", "api/v9/me").withQuery("_METHOD=delete"), "query",
                ProxyRequest.of("POST", "api/v9/me").withHeader("Content-Type", "application/x-www-form-urlencoded")
                        .withBody("a=1&_method=DELETE".getBytes(StandardCharsets.UTF_8)), "body",
                ProxyRequest.of("POST", "api/v9/me").withHeader("content-type", "multipart/form-data; boundary=b")
                        .withBody(multipart.getBytes(StandardCharsets.UTF_8)), "body");
        refused.forEach((request, field) -> assertThatThrownBy(() -> hub.proxy().send(OWNER, account.id(), request))
                .as(field).isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .singleElement().satisfies(error -> {
                            assertThat(error.field()).isEqualTo(field);
                            assertThat(error.code()).isEqualTo("method_override_refused");
                        })));
        assertThat(toggl.requests()).isEmpty();
    }

    @Test
    void aProviderThatDoesNotAnswerInTimeIsATimeout() {
        toggl.enqueue(Fault.slow(Duration.ofSeconds(6)).onPath("/api/v9/me"));

        assertThatThrownBy(() -> hub.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT);
                    assertThat(e.getMessage()).contains("'toggl'").contains("2000 ms");
                });
    }

    @Test
    void closingTheHubAbandonsARequestInFlightAsItInterruptsConnectorCalls() throws Exception {
        Hub closing = hub(Map.of("toggl", toggl.baseUrl()), Duration.ofSeconds(20));
        toggl.enqueue(Fault.slow(Duration.ofSeconds(6)).onPath("/api/v9/me"));
        java.util.concurrent.ExecutorService sender = Executors.newSingleThreadExecutor();
        closeLast.add(sender::shutdownNow);
        java.util.concurrent.Future<ProxyResponse> sent = sender.submit(() ->
                closing.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")));
        while (toggl.requests().isEmpty() && !sent.isDone()) {
            Thread.sleep(10);
        }

        closing.close();

        assertThatThrownBy(() -> sent.get(30, java.util.concurrent.TimeUnit.SECONDS))
                .as("not the provider's answer once it comes").hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> closing.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPathWithALeadingSlashIsToldToDropIt() {
        assertThatThrownBy(() -> hub.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "/api/v9/me")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(error -> {
                            assertThat(error.field()).isEqualTo("path");
                            assertThat(error.message()).contains("without a leading '/'").contains("'api/v9/me'");
                        }));
        assertThat(toggl.requests()).isEmpty();
    }

    @Test
    void aProviderThatCannotBeReachedIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Hub nowhere = hub(Map.of("toggl", URI.create("http://127.0.0.1:" + closedPort)), Duration.ofSeconds(2));

        assertThatThrownBy(() -> nowhere.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")))
                .isInstanceOfSatisfying(ProviderUnavailable.class,
                        e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.UNREACHABLE));
    }

    @Test
    void anAnswerThatIsNotValidHttpIsAnInvalidResponseAsOnTheServersProxy() throws IOException {
        for (String raw : List.of(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" + TOKEN,
                "HTTP/1.1 2x0 OK " + TOKEN + "\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 799 Beyond\r\nContent-Length: 2\r\n\r\n{}")) {
            int port = rawProvider(raw);
            Hub viaProvider = hub(Map.of("toggl", URI.create("http://127.0.0.1:" + port)), Duration.ofSeconds(2));

            assertThatThrownBy(() -> viaProvider.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")))
                    .as(raw).isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                        assertThat(e.code()).isEqualTo("provider_response_invalid");
                        assertThat(e.getMessage()).contains("'toggl'").doesNotContain(TOKEN);
                        assertThat(e.getCause()).as("a log would print the provider's bytes").isNull();
                    });
        }
    }

    @Test
    void aProviderTricklingItsBodyIsCutAtTheDeadlineNotJustItsHeaders() throws IOException {
        // The JDK's own request timeout stops once the headers are in; the hub's deadline covers the whole answer.
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeLast.add(socket);
        Thread trickling = new Thread(() -> {
            try (java.net.Socket connection = socket.accept()) {
                connection.getInputStream().read(new byte[8192]);
                var out = connection.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                for (int i = 0; i < 100_000 && !socket.isClosed(); i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException gone) {
                // the proxy closed the connection, or the test is over
            }
        }, "trickling-provider");
        trickling.setDaemon(true);
        trickling.start();
        Hub viaProvider = hub(Map.of("toggl", URI.create("http://127.0.0.1:" + socket.getLocalPort())),
                Duration.ofSeconds(2));

        assertThatThrownBy(() -> viaProvider.proxy().send(OWNER, account.id(), ProxyRequest.of("GET", "api/v9/me")))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT);
                    assertThat(e.getMessage()).contains("'toggl'").contains("2000 ms");
                });
    }

    /** A provider on 127.0.0.1 that answers every request with these bytes; stopped after the test. */
    private int rawProvider(String answer) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeLast.add(socket);
        Thread accepting = new Thread(() -> {
            while (!socket.isClosed()) {
                try (java.net.Socket connection = socket.accept()) {
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                            connection.getInputStream(), StandardCharsets.ISO_8859_1));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // the request head; its body, if any, is not read
                    }
                    connection.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    connection.getOutputStream().flush();
                    connection.shutdownOutput();
                    in.read();
                } catch (IOException closed) {
                    // the test is over, or the client went away
                }
            }
        }, "raw-provider");
        accepting.setDaemon(true);
        accepting.start();
        return socket.getLocalPort();
    }

    @Test
    void oneflowGetsItsTokenAndUserHeadersAndAWriteItsBody() {
        LinkedAccount linked = hub.links().link(OWNER, new LinkRequest("oneflow", new Credentials("api_token",
                        Map.of("api_token", FakeOneflow.TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL)),
                Optional.of(Long.toString(FakeOneflow.WORKSPACE_SALES)), Optional.empty(), "user-42",
                Optional.empty(), Visibility.PRIVATE)).account();
        oneflow.clearRequests();

        ProxyResponse read = hub.proxy().send(OWNER, linked.id(), ProxyRequest.of("GET", "contracts/"
                + FakeOneflow.CONTRACT_SIGNED));
        String sent = "{\"workspace_id\":" + FakeOneflow.WORKSPACE_SALES + ",\"template_id\":0}";
        ProxyResponse write = hub.proxy().send(OWNER, linked.id(), ProxyRequest.of("POST", "contracts/create")
                .withJson(sent));

        assertThat(read.status()).as(read.bodyText()).isEqualTo(200);
        assertThat(read.bodyText()).contains(Long.toString(FakeOneflow.CONTRACT_SIGNED));
        List<RecordedCall> calls = oneflow.requests();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path()).isEqualTo("/v1/contracts/" + FakeOneflow.CONTRACT_SIGNED);
        assertThat(calls.get(0).header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(calls.get(0).header("x-oneflow-user-email")).isEqualTo(FakeOneflow.ADMIN_EMAIL);
        assertThat(calls.get(1).method()).isEqualTo("POST");
        assertThat(calls.get(1).path()).isEqualTo("/v1/contracts/create");
        assertThat(calls.get(1).body()).isEqualTo(sent);
        assertThat(calls.get(1).header("content-type")).isEqualTo("application/json");
        assertThat(write.status()).as("the provider's verdict is an answer, not an exception").isGreaterThan(0);
    }

    @Test
    void oneflowsBudgetCountsProxiedRequestsAndPastItTheProxyIsRateLimitedWithoutAsking() {
        ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                id -> ConnectorContext.defaults(id).withBaseUrl(id.equals("oneflow") ? oneflow.baseUrl()
                        : toggl.baseUrl()).withSettings(id.equals("oneflow") ? Map.of("rate_limit_requests", "6",
                        "rate_limit_default_wait_seconds", "9") : Map.of()));
        closeLast.add(0, registry);
        Hub budgeted = Hub.builder().connectors(registry.connectors()).store(storage.accounts())
                .accountChanges(storage.accountChanges()).cipher(storage.cipher()).auditLog(storage.auditLog())
                .build();
        closeLast.add(0, budgeted);
        LinkedAccount linked = budgeted.links().link(OWNER, new LinkRequest("oneflow", new Credentials("api_token",
                        Map.of("api_token", FakeOneflow.TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL)),
                Optional.of(Long.toString(FakeOneflow.WORKSPACE_SALES)), Optional.empty(), "user-42",
                Optional.empty(), Visibility.PRIVATE)).account();

        RateLimited refused = null;
        for (int i = 0; i < 8 && refused == null; i++) {
            try {
                assertThat(budgeted.proxy().send(OWNER, linked.id(), ProxyRequest.of("GET", "users")).status())
                        .isEqualTo(200);
            } catch (RateLimited e) {
                refused = e;
            }
        }

        assertThat(refused).as("the budget ran out").isNotNull();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(oneflow.requests()).as("linking and proxying spent the budget, no more reached Oneflow")
                .hasSize(6);
    }

    /** A provider on 127.0.0.1 answering 200 with what {@code answer} writes; stopped after the test. */
    private HttpServer provider(IoFunction answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            byte[] body = answer.apply(exchange);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        closeLast.add(() -> server.stop(0));
        return server;
    }

    private interface IoFunction {
        byte[] apply(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(plain);
        }
        return out.toByteArray();
    }
}
