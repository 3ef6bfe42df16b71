package io.patchbay.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.patchbay.core.Hub;
import io.patchbay.core.account.LinkRequest;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.plugin.ConnectorRegistry;
import io.patchbay.core.proxy.OpenedTarget;
import io.patchbay.core.proxy.ProxyRequest;
import io.patchbay.core.proxy.ProxyResponse;
import io.patchbay.core.proxy.SecretMasking;
import io.patchbay.core.secret.CredentialsCodec;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import io.patchbay.storage.PatchbayStorage;
import io.patchbay.storage.StorageConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedders' proxy ({@code hub.proxy().send}) as an embedder wires it: a hub on real SQLite with the real Toggl
 * connector, and a Toggl account linked to a local upstream on 127.0.0.1 that answers {@code GET /api/v9/bench} with
 * a fixed 1 KiB JSON document. Beside every proxy figure, the floor: the same request sent straight to the upstream
 * with a plain JDK {@link HttpClient} and the account's {@code Authorization} header, so what the proxy adds
 * (opening the sealed credentials, the rules, masking) is the difference.
 *
 * <ul>
 *   <li>{@code proxyT01/04/16} and {@code floorT01/04/16}: throughput (ops/s) from 1, 4 and 16 threads sharing one
 *       hub, as the threads of an embedding application would;</li>
 *   <li>{@code proxyLatency}, {@code floorLatency}: the distribution of one call from one thread (p50, p99);</li>
 *   <li>{@code floorAsyncT01}, {@code floorAsyncLatency}: the floor sent with {@code sendAsync(...).get()}, the JDK
 *       call the proxy makes, to tell the JDK client's cost of that call from the proxy's own, and
 *       {@code floorAsyncOpenLatency}, the same after opening the credentials as the proxy does;</li>
 *   <li>{@code partOpen*}, {@code partMask}: the proxy's own steps alone, one thread, to say which one costs.</li>
 * </ul>
 *
 * <p>The upstream is the JDK's {@link HttpServer} answering on its dispatcher thread with bytes made up front, in
 * the same JVM: it costs both sides the same, and on a 2-core machine it competes with them for CPU, which is why
 * the floor is measured in the same run. Run (about 7 minutes; docs/performance-embedding.md has the figures and a
 * way without installing): {@code mvn -B -pl benchmarks exec:exec -Djmh.args="EmbeddedProxyBenchmark"}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
// Without TCP_NODELAY an answer the JDK server writes in two parts (headers, body) can wait for a delayed ACK: the
// upstream would be what is measured.
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dsun.net.httpserver.nodelay=true"})
public class EmbeddedProxyBenchmark {
    /** A well-formed Toggl API token (32 hex characters); the upstream accepts any. */
    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String TENANT = "ten_bench";
    static final Viewer OWNER = Viewer.endUser(TENANT, "owner-1", null);
    static final String ME = "{\"id\":1001,\"email\":\"bench@example.com\",\"fullname\":\"Bench User\","
            + "\"timezone\":\"UTC\",\"default_workspace_id\":2001}";
    static final String WORKSPACES = "[{\"id\":2001,\"name\":\"Bench\",\"organization_id\":3001,\"admin\":true,"
            + "\"role\":\"admin\"}]";
    /** The same 1 KiB project document as {@code benchmarks/load/server-bench.sh} proxies. */
    static final byte[] DOCUMENT = ("{\"id\":4001,\"workspace_id\":2001,\"name\":\"Website relaunch\",\"active\":true,"
            + "\"billable\":true,\"color\":\"#0b83d9\",\"created_at\":\"2025-01-01T09:00:00Z\","
            + "\"at\":\"2025-06-01T09:00:00Z\",\"actual_hours\":120,\"estimated_hours\":200,\"client_id\":5001,"
            + "\"currency\":\"EUR\",\"rate\":95.5,\"template\":false,\"is_private\":false,\"recurring\":false,"
            + "\"notes\":\"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
            + "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris "
            + "nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit "
            + "esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in "
            + "culpa qui officia deserunt mollit anim id est laborum. Sed ut perspiciatis unde omnis iste natus error"
            + " sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore"
            + " veritatis et quasi architecto beatae vitae dicta sunt explicabo.\",\"tags\":[\"billed\",\"meeting\"]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final ProxyRequest PROXIED = ProxyRequest.of("GET", "api/v9/bench");

    private Path dir;
    private HttpServer upstream;
    private PatchbayStorage storage;
    private ConnectorRegistry registry;
    private Hub hub;
    private LinkedAccount account;
    private HttpClient plainClient;
    private HttpRequest direct;
    private byte[] sealed;
    private byte[] associatedData;
    private SecretMasking.Secrets secrets;
    /** The client ports seen by the upstream: a run that opened a connection per request would measure connecting. */
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();

    @Setup(Level.Trial)
    public void start() throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        dir = Files.createTempDirectory("patchbay-bench-proxy");
        upstream = upstream();
        URI base = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
        storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dir.resolve("data")));
        registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                id -> id.equals("toggl") ? ConnectorContext.defaults(id).withBaseUrl(base)
                        : ConnectorContext.defaults(id));
        hub = Hub.builder().connectors(registry.connectors()).store(storage.accounts())
                .accountChanges(storage.accountChanges()).cipher(storage.cipher()).auditLog(storage.auditLog())
                .callTimeout(Duration.ofSeconds(10)).build();
        account = hub.links().link(OWNER, new LinkRequest("toggl", new Credentials("api_token",
                Map.of("api_token", TOKEN)), Optional.empty(), Optional.empty(), "owner-1", Optional.empty(),
                Visibility.PRIVATE)).account();

        // The floor: what an application without Patchbay would send, on a client configured like the proxy's.
        plainClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        direct = HttpRequest.newBuilder(base.resolve("/api/v9/bench")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((TOKEN + ":api_token").getBytes(StandardCharsets.US_ASCII)))
                .header("Accept-Encoding", "identity").GET().build();

        sealed = storage.accounts().sealedSecret(TENANT, account.id()).orElseThrow();
        associatedData = SecretCipher.associatedData(TENANT, account.id());
        secrets = OpenedTarget.open(hub.catalog(), hub.vault(), hub.calls(), account).secrets();

        // A benchmark of a failing call would measure exceptions: both sides must get the document.
        ProxyResponse proxied = proxyOnce();
        if (proxied.status() != 200 || proxied.body().length != DOCUMENT.length) {
            throw new IllegalStateException("The proxy answered " + proxied.status() + " with "
                    + proxied.body().length + " bytes");
        }
        if (floorOnce().length != DOCUMENT.length) {
            throw new IllegalStateException("The upstream did not answer the document");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        System.out.println("Upstream connections opened: " + connections.size());
        hub.close();
        registry.close();
        storage.close();
        upstream.stop(0);
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Toggl's {@code /me} and {@code /me/workspaces} for linking, and the measured document. */
    private HttpServer upstream() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        answer(server, "/api/v9/me", ME.getBytes(StandardCharsets.UTF_8));
        answer(server, "/api/v9/me/workspaces", WORKSPACES.getBytes(StandardCharsets.UTF_8));
        answer(server, "/api/v9/bench", DOCUMENT);
        // No executor: the dispatcher thread answers, with no hand-off, which is the cheapest the JDK server does.
        server.start();
        return server;
    }

    private void answer(HttpServer server, String path, byte[] body) {
        server.createContext(path, (HttpExchange exchange) -> {
            try (exchange) {
                connections.add(exchange.getRemoteAddress().getPort());
                exchange.getRequestBody().readAllBytes();
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
    }

    private ProxyResponse proxyOnce() {
        return hub.proxy().send(OWNER, account.id(), PROXIED);
    }

    private byte[] floorOnce() throws IOException, InterruptedException {
        return plainClient.send(direct, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private byte[] floorAsyncOnce() throws Exception {
        return plainClient.sendAsync(direct, HttpResponse.BodyHandlers.ofByteArray()).get(10, TimeUnit.SECONDS).body();
    }

    // ---- throughput, ops/s ----------------------------------------------------------------------------------------

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(1)
    public ProxyResponse proxyT01() {
        return proxyOnce();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(1)
    public byte[] floorT01() throws Exception {
        return floorOnce();
    }

    /**
     * The floor sent the way the proxy sends: {@code sendAsync(...).get(...)}. The JDK client completes such a
     * future on the common pool's executor, which makes a new thread per task when that pool has one thread (on 1
     * or 2 CPUs); {@code send} completes on its own threads.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(1)
    public byte[] floorAsyncT01() throws Exception {
        return floorAsyncOnce();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(4)
    public ProxyResponse proxyT04() {
        return proxyOnce();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(4)
    public byte[] floorT04() throws Exception {
        return floorOnce();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(16)
    public ProxyResponse proxyT16() {
        return proxyOnce();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(16)
    public byte[] floorT16() throws Exception {
        return floorOnce();
    }

    // ---- latency at one thread, µs (p50, p99 in the SampleTime output) ---------------------------------------------

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public ProxyResponse proxyLatency() {
        return proxyOnce();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public byte[] floorLatency() throws Exception {
        return floorOnce();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public byte[] floorAsyncLatency() throws Exception {
        return floorAsyncOnce();
    }

    /**
     * The async floor after opening the account's credentials as the proxy does (visible account, SQLite read,
     * AES-GCM, the connector's target): the proxy less its rules, request building and masking.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public byte[] floorAsyncOpenLatency() throws Exception {
        if (partOpenTarget().target().headers().isEmpty()) {
            throw new IllegalStateException("The Toggl target has no Authorization header");
        }
        return floorAsyncOnce();
    }

    // ---- the proxy's own steps alone, µs per call -------------------------------------------------------------------

    /** Everything the proxy does per call before sending: read the sealed credentials, open them, ask the target. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public OpenedTarget partOpenTarget() {
        return OpenedTarget.open(hub.catalog(), hub.vault(), hub.calls(),
                hub.vault().visible(OWNER, account.id()));
    }

    /** Of which: reading the sealed credentials from SQLite (the account itself is kept in memory). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public byte[] partOpenSqliteRead() {
        return storage.accounts().sealedSecret(TENANT, account.id()).orElseThrow();
    }

    /** Of which: AES-GCM opening and decoding the credentials already read. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public Credentials partOpenDecrypt() {
        return CredentialsCodec.decode(storage.cipher().open(sealed, associatedData));
    }

    /** Searching the 1 KiB answer for the account's secrets (none occurs: the usual case). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public byte[] partMask() {
        return SecretMasking.mask(DOCUMENT, secrets);
    }
}
