package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers and clients that do not speak HTTP/1.1 as they should, byte for byte: the proxy answers with a problem
 * naming the failure and never hands one caller's answer to the next; the listener refuses what it cannot serve with
 * a problem, and an operator sees those refusals in the access log and the metrics.
 */
class MisbehavingPeersTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path data;
    RawUpstream upstream;
    PatchbayServer server;
    Api api;
    String key;
    String proxy;

    @BeforeEach
    void start() throws IOException {
        upstream = new RawUpstream();
        server = PatchbayServer.start(TestServers.config(data, Map.of("toggl", upstream.baseUrl()),
                Map.of("PATCHBAY_PROVIDER_CALL_TIMEOUT", "3s")));
        api = new Api(server.port());
        key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "peers");
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl", "owner_id",
                "peer", "credentials", Map.of("api_token", TOKEN))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        proxy = "/v1/accounts/" + linked.string("account.id") + "/proxy/";
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        upstream.close();
    }

    @Test
    void interimAnswersAreSkippedAndTheNextCallGetsItsOwnAnswer() throws IOException {
        upstream.script(target -> target.endsWith("/first")
                ? ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"first\":1}")
                : ascii("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"second\":2}"));

        String first = client(get(proxy + "api/v9/first"));
        String second = client(get(proxy + "api/v9/second"));

        assertThat(first).startsWith("HTTP/1.1 200 ").endsWith("{\"first\":1}").doesNotContain("HTTP/1.1 1");
        assertThat(second).startsWith("HTTP/1.1 200 ").endsWith("{\"second\":2}");
    }

    @Test
    void answersThatAreNotValidHttpAre502NamingTheFailureAndTheConnectionIsNotReused() throws IOException {
        Map<String, String> answers = Map.of(
                "status", "HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\n{}",
                "garbage", "SSH-2.0-OpenSSH_9.6\r\n\r\n",
                "length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
                "lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}12345",
                "header", "HTTP/1.1 200 OK\r\nX-Bad\u0001Name: v\r\nContent-Length: 2\r\n\r\n{}",
                "switch", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                "headers", "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(70 * 1024) + "\r\nContent-Length: 2\r\n\r\n{}");
        upstream.script(target -> {
            String name = target.substring(target.lastIndexOf('/') + 1);
            return ascii(answers.getOrDefault(name, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"ok\":1}"));
        });

        for (String name : answers.keySet()) {
            int before = upstream.connections();
            String answer = client(get(proxy + "api/v9/" + name));
            assertThat(answer).as(name).startsWith("HTTP/1.1 502 ").contains("\"code\":\"provider_response_invalid\"")
                    .contains("Retry-After: 30");
            String next = client(get(proxy + "api/v9/fine"));
            assertThat(next).as("after " + name).startsWith("HTTP/1.1 200 ").endsWith("{\"ok\":1}");
            assertThat(upstream.connections()).as("after " + name).isGreaterThan(before);
        }
        assertThat(client(get(proxy + "api/v9/status"))).contains("Its status 999 is outside 100-599");
        assertThat(client(get(proxy + "api/v9/headers"))).contains("Its headers are larger than 64 KiB");
        assertThat(client(get(proxy + "api/v9/switch"))).contains("switched protocols (101)");
    }

    @Test
    void anAnswerWithManyCookiesIsPassedOnWithoutThem() throws IOException {
        StringBuilder cookies = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            cookies.append("Set-Cookie: c").append(i).append("=value\r\n");
        }
        upstream.script(target -> ascii("HTTP/1.1 200 OK\r\n" + cookies + "Content-Length: 2\r\n\r\n{}"));

        String answer = client(get(proxy + "api/v9/cookies"));

        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("{}").doesNotContainIgnoringCase("set-cookie");
    }

    @Test
    void requestsInFormsTheListenerDoesNotServeGetProblemsAndTheOnesItServesAreServed() throws IOException {
        assertThat(client("GET /health HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200 ").endsWith("{\"status\":\"ok\"}");
        assertThat(client("GET http://patchbay.example/health HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 ").endsWith("{\"status\":\"ok\"}");
        upstream.script(target -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"ok\":1}"));
        assertThat(client("GET http://127.0.0.1:" + server.port() + proxy + "api/v9/x HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + key + "\r\nConnection: close\r\n\r\n")).endsWith("{\"ok\":1}");

        assertThat(client("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 400 ")
                .contains("application/problem+json").contains("exactly one Host header");
        assertThat(client("GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")).startsWith("HTTP/1.1 400 ")
                .contains("exactly one Host header");
        assertThat(client("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).startsWith("HTTP/1.1 505 ")
                .contains("\"code\":\"http_version_not_supported\"").containsIgnoringCase("Connection: close");
        assertThat(client("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ").contains("\"code\":\"method_not_allowed\"").contains("forward proxy");
        assertThat(client("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400 ")
                .contains("application/problem+json").contains("must be a path");
    }

    @Test
    void requestsTheListenerRefusesAreInTheAccessLogAndTheMetrics() throws IOException {
        try (LogCapture logs = new LogCapture()) {
            client("NOT-HTTP\r\n\r\n");
            client("GET /v1/accounts/%zz\u001b[2J HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            client("POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n");
            client("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            client("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\nConnection: close\r\n\r\n");

            assertThat(logs.lines().stream().filter(line -> line.startsWith("io.patchbay.server.access-log ")))
                    .anySatisfy(line -> assertThat(line).contains("- - 400 "))
                    .anySatisfy(line -> assertThat(line).contains("GET /v1/accounts/%zz?[2J 400 "))
                    .anySatisfy(line -> assertThat(line).contains("POST /v1/accounts 413 "))
                    .as("a request line or headers too large to read: neither method nor path is known")
                    .anySatisfy(line -> assertThat(line).contains("access-log - - 414 "))
                    .anySatisfy(line -> assertThat(line).contains("access-log - - 431 "))
                    .noneSatisfy(line -> assertThat(line).contains("\u001b"));
        }
        String metrics = api.get("/metrics").send().body();
        assertThat(metrics).containsPattern("patchbay_http_requests_seconds_count\\{method=\"OTHER\",route=\"malformed\","
                + "status=\"400\"} 1")
                .containsPattern("patchbay_http_requests_seconds_count\\{method=\"GET\",route=\"malformed\","
                        + "status=\"400\"} 1")
                .containsPattern("patchbay_http_requests_seconds_count\\{method=\"POST\",route=\"refused\","
                        + "status=\"413\"} 1")
                .as("too large is refused, as the operations guide has it, not malformed")
                .containsPattern("patchbay_http_requests_seconds_count\\{method=\"OTHER\",route=\"refused\","
                        + "status=\"414\"} 1")
                .containsPattern("patchbay_http_requests_seconds_count\\{method=\"OTHER\",route=\"refused\","
                        + "status=\"431\"} 1");
    }

    @Test
    void aCallerThatGoesAwayCancelsTheProviderCallWhichClosesItsConnection() throws Exception {
        upstream.script(target -> null);
        try (LogCapture logs = new LogCapture()) {
            try (Socket caller = new Socket("127.0.0.1", server.port())) {
                caller.getOutputStream().write(get(proxy + "api/v9/slow").getBytes(StandardCharsets.ISO_8859_1));
                await(() -> upstream.held() == 1);
            }

            await(() -> upstream.hungUpOn() == 1);
            await(() -> logs.lines().stream().anyMatch(line -> line.contains("/api/v9/slow ")));
            // 499 is the cancelled call; a call left to run would have ended in the 3 s call timeout, 504.
            assertThat(logs.lines()).filteredOn(line -> line.contains("/api/v9/slow ")).singleElement()
                    .asString().contains(" 499 ");
        }
        upstream.script(target -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"ok\":1}"));
        assertThat(client(get(proxy + "api/v9/after"))).endsWith("{\"ok\":1}");
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int waited = 0; !condition.getAsBoolean(); waited += 10) {
            assertThat(waited).as("waited for the condition").isLessThan(10_000);
            Thread.sleep(10);
        }
    }

    private String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n";
    }

    /** Sends raw bytes on a new connection and reads until the listener closes it (or 10 s pass). */
    private String client(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(read);
            } catch (SocketTimeoutException e) {
                read.write(ascii("<no end>"));
            }
            return read.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A provider that answers Toggl's linking calls properly and every other request with the script's raw bytes,
     * then keeps the connection open for more.
     */
    static final class RawUpstream implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicInteger held = new AtomicInteger();
        private final AtomicInteger hungUpOn = new AtomicInteger();
        private volatile Function<String, byte[]> script = target -> ascii("HTTP/1.1 404 No\r\nContent-Length: 0\r\n\r\n");

        RawUpstream() throws IOException {
            Thread acceptor = new Thread(this::accept, "raw-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        void script(Function<String, byte[]> value) {
            script = value;
        }

        int connections() {
            return connections.get();
        }

        /** Requests the script answered with null: held without an answer until the proxy closes. */
        int held() {
            return held.get();
        }

        /** Held requests whose connection the proxy closed. */
        int hungUpOn() {
            return hungUpOn.get();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    open.add(client);
                    connections.incrementAndGet();
                    Thread thread = new Thread(() -> serve(client), "raw-upstream-connection");
                    thread.setDaemon(true);
                    thread.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket client) {
            try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
                while (true) {
                    String head = head(in);
                    if (head == null) {
                        return;
                    }
                    String target = head.split(" ")[1];
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).strip());
                        }
                    }
                    in.readNBytes(length);
                    byte[] answer = target.startsWith("/api/v9/me") ? null : script.apply(target);
                    if (!target.startsWith("/api/v9/me") && answer == null) {
                        held.incrementAndGet();
                        if (in.read() == -1) {
                            hungUpOn.incrementAndGet();
                        }
                        return;
                    }
                    out.write(target.equals("/api/v9/me/workspaces")
                            ? json("[{\"id\":2001,\"name\":\"W\",\"organization_id\":3001,\"admin\":true,"
                            + "\"role\":\"admin\"}]")
                            : target.equals("/api/v9/me") ? json("{\"id\":1001,\"email\":\"peer@example.com\","
                            + "\"fullname\":\"Peer\",\"timezone\":\"UTC\",\"default_workspace_id\":2001}")
                            : answer);
                    out.flush();
                }
            } catch (IOException e) {
                // The peer went away, or the test is over.
            }
        }

        private static byte[] json(String body) {
            return ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b = in.read(); b != -1; b = in.read()) {
                bytes.write(b);
                if (bytes.size() >= 4 && bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    return bytes.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
