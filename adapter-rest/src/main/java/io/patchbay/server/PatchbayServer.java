package io.patchbay.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patchbay.core.Hub;
import io.patchbay.core.HubModule;
import io.patchbay.core.plugin.ConnectorRegistry;
import io.patchbay.core.plugin.ConnectorSource;
import io.patchbay.server.access.AdminRoutes;
import io.patchbay.server.access.ApiKeyService;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.ConnectSessionRoutes;
import io.patchbay.server.accounts.AccountRoutes;
import io.patchbay.server.actions.ActionRoutes;
import io.patchbay.server.connect.ConnectPageRoutes;
import io.patchbay.server.connectors.ConnectorRoutes;
import io.patchbay.server.edge.ApiRelay;
import io.patchbay.server.edge.BrowserOrigins;
import io.patchbay.server.edge.Edge;
import io.patchbay.server.edge.EdgeIo;
import io.patchbay.server.http.CrossOrigin;
import io.patchbay.server.http.JettyRefusals;
import io.patchbay.server.http.Json;
import io.patchbay.server.http.Problems;
import io.patchbay.server.http.RequestLog;
import io.patchbay.server.http.RequestShape;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.server.keyset.KeysetRoutes;
import io.patchbay.server.ops.NativeMemoryTrim;
import io.patchbay.server.ops.OpsRoutes;
import io.patchbay.server.proxy.ProxyService;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.storage.PatchbayStorage;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: storage opened and migrated, connectors loaded, the application wired with Guice, the API
 * (Javalin) listening on loopback behind the public listener ({@link Edge}), which serves the proxy itself.
 * {@link #close()} stops taking requests, lets running ones finish (up to the shutdown timeout), then closes
 * connectors and storage.
 */
public final class PatchbayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PatchbayServer.class);

    /** The feature route groups, in registration order. */
    static final List<Class<? extends RouteGroup>> ROUTE_GROUPS = List.of(OpsRoutes.class, AdminRoutes.class,
            KeysetRoutes.class, ConnectSessionRoutes.class, ConnectorRoutes.class, AccountRoutes.class,
            ActionRoutes.class, ConnectPageRoutes.class);

    /**
     * Idle client connections are closed after this; longer than the 60 s most load balancers keep idle
     * connections to their targets, so they close first and never send on a connection being closed (nginx: 75 s).
     */
    static final Duration CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(75);
    /**
     * A request must arrive whole this soon after its first byte (nginx allows 60 s for the headers): a client
     * trickling bytes cannot hold a connection forever. The largest body (1 MiB by default) needs 18 KB/s.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** How long the API server's threads get to end once the listener's shutdown timeout is over. */
    private static final Duration STOP_THREADS_TIMEOUT = Duration.ofSeconds(2);
    /** Far above what the listener lets through, even with every path byte beyond ASCII %-encoded (three times). */
    private static final int RELAYED_HEADER_LIMIT = 64 * 1024;
    /**
     * The compilers' scratch memory goes back to the system once they have compiled nothing for this long: right
     * after start-up, and after later bursts at most once per {@link #NATIVE_MEMORY_TRIM_INTERVAL}.
     */
    private static final Duration NATIVE_MEMORY_QUIET = Duration.ofSeconds(1);
    private static final Duration NATIVE_MEMORY_TRIM_INTERVAL = Duration.ofMinutes(1);
    /** The route label of a request whose path is no route's. */
    private static final String UNMATCHED = "unmatched";

    private final PatchbayStorage storage;
    private final Hub hub;
    private final ConnectorRegistry registry;
    private final Javalin app;
    private final EdgeIo io;
    private final Edge edge;
    private final List<String> edgeRoutes;
    private final Duration shutdownTimeout;
    private final Optional<ApiKeyService.Created> firstAdminKey;
    private final AtomicBoolean stopping;
    private final NativeMemoryTrim nativeMemory;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PatchbayServer(PatchbayStorage storage, Hub hub, ConnectorRegistry registry, Javalin app, EdgeIo io,
                           Edge edge, List<String> edgeRoutes, Duration shutdownTimeout,
                           Optional<ApiKeyService.Created> firstAdminKey, AtomicBoolean stopping,
                           NativeMemoryTrim nativeMemory) {
        this.storage = storage;
        this.hub = hub;
        this.registry = registry;
        this.app = app;
        this.io = io;
        this.edge = edge;
        this.edgeRoutes = edgeRoutes;
        this.shutdownTimeout = shutdownTimeout;
        this.firstAdminKey = firstAdminKey;
        this.stopping = stopping;
        this.nativeMemory = nativeMemory;
    }

    /**
     * Starts everything; on failure whatever was opened is closed again.
     *
     * @throws io.patchbay.storage.StorageException when the database or keyset is unusable
     */
    public static PatchbayServer start(ServerConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(ServerConfig)}, with the clock that dates accounts and expires connect sessions. */
    static PatchbayServer start(ServerConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        long started = System.nanoTime();
        if (!config.connectorsDir().equals(ServerConfig.DEFAULT_CONNECTORS_DIR)
                && !Files.exists(config.connectorsDir())) {
            // A configured folder that is missing (a typo, a volume not mounted) would load nothing without a word.
            LOG.warn("The connectors folder {} ({}) does not exist, so no drop-in connector is loaded: create it "
                    + "with one subfolder per connector", config.connectorsDir().toAbsolutePath(),
                    ConfigLoader.envName("connectors.dir"));
        }
        // Opening storage (connect, migrate, load the keyset) is the slowest step and mostly waits or loads classes
        // on this thread; connectors load on a second, metrics, the listener's event loops and the web layer's
        // classes on a third. Start-up is CPU-bound, so storage does not wait for the connectors' settings check:
        // a misspelt setting stops the start just after, before anything is stored (no admin key is made).
        CompletableFuture<ConnectorRegistry> connectors = CompletableFuture.supplyAsync(() -> ConnectorRegistry.load(
                // A missing folder was warned about above, naming its setting, or is the default one left out.
                PatchbayServer.class.getClassLoader(), Optional.of(config.connectorsDir()).filter(Files::isDirectory),
                id -> context(config, id),
                Json::syntaxProblem),
                PatchbayServer::startupThread);
        CompletableFuture<Parallel> loading = CompletableFuture.supplyAsync(() -> Parallel.load(config),
                PatchbayServer::startupThread);
        PatchbayStorage storage;
        try {
            storage = PatchbayStorage.open(config.storage());
        } catch (RuntimeException e) {
            connectors.thenAccept(ConnectorRegistry::close);
            loading.thenAccept(Parallel::close);
            throw e;
        }
        ConnectorRegistry registry;
        try {
            registry = join(connectors);
        } catch (RuntimeException e) {
            loading.thenAccept(Parallel::close);
            storage.close();
            throw e;
        }
        try {
            checkConnectorSettings(config, registry);
        } catch (RuntimeException e) {
            registry.close();
            loading.thenAccept(Parallel::close);
            storage.close();
            throw e;
        }
        Parallel parallel = null;
        try {
            parallel = join(loading);
            EdgeIo io = parallel.io();
            Javalin app = parallel.app();
            PrometheusMeterRegistry metrics = parallel.metrics();
            AtomicBoolean stopping = new AtomicBoolean();
            Injector injector = Guice.createInjector(Stage.PRODUCTION,
                    new HubModule(registry.connectors(), clock, config.callTimeout().plus(ServerConfig.CALL_TIMEOUT_GRACE)),
                    new ServerModule(config, storage, metrics, parallel.requests(), io,
                            () -> !stopping.get() && storage.ready()));
            // The API server started without routes while storage opened; nothing reaches it before the listener
            // binds below. Javalin's route registry takes routes at any time (hence its "unsafe" name).
            List<RouteGroup> groups = ROUTE_GROUPS.stream().<RouteGroup>map(injector::getInstance).toList();
            groups.forEach(group -> group.register(app.unsafe.routes));
            answerHeadLikeGet(app);
            describeBodies(app);
            parallel.routes().set(app.unsafe.internalRouter.allHttpHandlers().stream()
                    .filter(e -> e.endpoint.method.isHttpMethod()).toList());
            RequestShape shape = new RequestShape(groups);
            app.unsafe.routes.before(RequestShape::checkEncoding);
            app.unsafe.routes.beforeMatched(shape::check);
            ProxyService proxy = injector.getInstance(ProxyService.class);
            Edge.Limits limits = new Edge.Limits((int) Math.min(Integer.MAX_VALUE, config.maxRequestBytes()),
                    CLIENT_IDLE_TIMEOUT, REQUEST_TIMEOUT);
            Edge edge = listen(config, io, limits, proxy, app, parallel.requests());
            // Only once listening: a start that fails before would store a key that nobody is ever shown.
            Optional<ApiKeyService.Created> adminKey = injector.getInstance(ApiKeyService.class).createFirstAdminKey();
            LOG.info("Patchbay listening on http://{}:{} ({}) with connectors {} ({} ms)",
                    config.host().contains(":") && !config.host().startsWith("[") ? "[" + config.host() + "]"
                            : config.host(), edge.port(),
                    io.transportName(), registry.loaded().stream().map(l -> l.id() + " " + l.version()).toList(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return new PatchbayServer(storage, injector.getInstance(Hub.class), registry, app, io, edge,
                    proxy.routes(), config.shutdownTimeout(), adminKey, stopping,
                    NativeMemoryTrim.start(NATIVE_MEMORY_QUIET, NATIVE_MEMORY_TRIM_INTERVAL));
        } catch (RuntimeException e) {
            if (parallel != null) {
                parallel.close();
            }
            registry.close();
            storage.close();
            throw e;
        }
    }

    /**
     * The registry logged each refusal. A drop-in folder may be left out, settings or not; a built-in connector that
     * does not start is a configuration mistake (a misspelt setting), and so is a setting for a connector that no
     * folder or class path provides (a misspelt id would leave the real one on its default URL without a word).
     *
     * @throws ConfigException naming each, as other configuration mistakes are
     */
    private static void checkConnectorSettings(ServerConfig config, ConnectorRegistry registry) {
        Set<String> loaded = registry.loaded().stream().map(l -> l.id()).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>(connectorProblems(config.connectors().keySet(), loaded,
                registry.rejected()));
        config.connectors().forEach((id, settings) -> problems.addAll(ambiguousSettings(id,
                settings.settings().keySet(), loaded)));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /**
     * What {@link #checkConnectorSettings} refuses: every refused class-path connector, and each configured one that
     * neither loaded nor was found (a misspelt id). A drop-in that was found and refused is left out, as the
     * documentation promises: its settings are unused, which is warned about once.
     */
    static List<String> connectorProblems(Set<String> configured, Set<String> loaded,
                                          List<ConnectorRegistry.Rejected> rejected) {
        List<String> problems = new ArrayList<>();
        rejected.stream().filter(r -> r.source().kind() == ConnectorSource.Kind.CLASS_PATH)
                .forEach(r -> problems.add("a connector on the class path could not start: " + r.reason()));
        for (String id : new TreeSet<>(configured)) {
            if (loaded.contains(id)) {
                continue;
            }
            Optional<ConnectorRegistry.Rejected> refusal = rejected.stream()
                    .filter(r -> r.connectorId().equals(Optional.of(id))).findFirst();
            String setting = ConfigLoader.envName("connector." + id) + "_* (connector." + id + ".* in a file): ";
            if (refusal.isEmpty()) {
                problems.add(setting + "no connector '" + id + "' is loaded (loaded: " + new TreeSet<>(loaded) + ")");
            } else if (refusal.get().source().kind() == ConnectorSource.Kind.DIRECTORY) {
                // Found and refused (logged as such), not misspelt: the others load and the server starts.
                LOG.warn("Settings {}_* (connector.{}.* in a file) are unused: connector '{}' from {} was refused (its "
                        + "reason is logged above), so the server starts without it", ConfigLoader.envName("connector."
                        + id), id, id, refusal.get().source());
            }
        }
        return problems;
    }

    /**
     * Settings of connector {@code id} that read as a setting of a loaded connector whose id has a {@code -}:
     * environment variable names cannot hold one, so {@code PATCHBAY_CONNECTOR_ACME_CLOUD_BASE_URL} is setting
     * {@code cloud_base_url} of {@code acme}, while its writer most likely meant {@code base_url} of
     * {@code acme-cloud}. Refused, naming both readings, rather than left to configure the wrong connector.
     */
    static List<String> ambiguousSettings(String id, Set<String> settings, Set<String> loaded) {
        List<String> problems = new ArrayList<>();
        for (String other : new TreeSet<>(loaded)) {
            if (!other.startsWith(id + "-")) {
                continue;
            }
            String prefix = other.replace('-', '_') + "_";
            for (String setting : new TreeSet<>(settings)) {
                String asWritten = id + "_" + setting;
                if (asWritten.startsWith(prefix)) {
                    problems.add(ConfigLoader.envName("connector." + id + "." + setting) + " (connector." + id + "."
                            + setting + "): reads as setting '" + setting + "' of connector '" + id + "', but "
                            + "connector '" + other + "' is loaded too and its setting '"
                            + asWritten.substring(prefix.length()) + "' may be meant; environment variable names "
                            + "cannot hold a '-': set connector." + other + "." + asWritten.substring(prefix.length())
                            + " in the config file instead");
                }
            }
        }
        return problems;
    }

    /** The public listener; a refused address names the settings that chose it. */
    private static Edge listen(ServerConfig config, EdgeIo io, Edge.Limits limits, ProxyService proxy, Javalin app,
                               RequestLog requests) {
        try {
            return Edge.start(io, config.host(), config.port(), limits, List.of(proxy), new ApiRelay(io, app.port()),
                    requests, new BrowserOrigins(Set.copyOf(config.corsOrigins())));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (set by " + ConfigLoader.envName("host") + " and "
                    + ConfigLoader.envName("port") + ")", e.getCause());
        }
    }

    /**
     * What start-up prepares beside connectors and storage: metrics, the listener's event loops and the API
     * server, started on loopback without routes (they need the services, which need storage).
     */
    /**
     * @param routes the API server's routes once registered, for the route label of a request that no route ran
     *               for (see {@link #route})
     */
    private record Parallel(EdgeIo io, PrometheusMeterRegistry metrics, RequestLog requests, Javalin app,
                            AtomicReference<List<ParsedEndpoint>> routes) {
        static Parallel load(ServerConfig config) {
            EdgeIo io = EdgeIo.create();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);
            new UptimeMetrics().bindTo(metrics);
            RequestLog requests = new RequestLog(metrics, config.accessLog());
            AtomicReference<List<ParsedEndpoint>> routes = new AtomicReference<>(List.of());
            Javalin app = Javalin.create(javalin -> configure(javalin, config, requests, routes)).start();
            preloadClasses();
            return new Parallel(io, metrics, requests, app, routes);
        }

        void close() {
            app.stop();
            io.close();
        }
    }

    /**
     * HEAD on every GET route, answered by the GET handler: the same status and headers (ETag too), and no body,
     * which the servlet layer drops for HEAD. Not listed in {@link #routes()}: HTTP implies it of every GET.
     */
    private static void answerHeadLikeGet(Javalin app) {
        List<io.javalin.router.Endpoint> gets = app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint).filter(e -> e.method == HandlerType.GET).toList();
        for (io.javalin.router.Endpoint get : gets) {
            app.unsafe.routes.head(get.path, get.handler);
        }
        // Jetty measures a body only when it fits its buffer; a longer GET is sent chunked, and its HEAD would go
        // without a length. The answer is in memory, so the HEAD states the GET's length (RFC 9110 section 8.6),
        // unless the client accepts a coding: the HEAD is then compressed as the GET would be, and the length of
        // the compressed body is Jetty's to state (stating the uncompressed one made Jetty fail the answer).
        CompressionStrategy compression = app.unsafe.http.compressionStrategy;
        app.unsafe.routes.after(ctx -> {
            if (ctx.method() == HandlerType.HEAD && ctx.res().getHeader("Content-Length") == null
                    && compression.findMatchingCompressor(Objects.requireNonNullElse(ctx.header("Accept-Encoding"),
                            "")) == null
                    && ctx.resultInputStream() instanceof java.io.ByteArrayInputStream body) {
                ctx.header("Content-Length", Integer.toString(body.available()));
            }
        });
    }

    /**
     * Whether an answer is compressed depends on the caller's Accept-Encoding (and its size), so every answer says
     * so to caches; an answer without a body (204, 304) names no content type for it.
     */
    private static void describeBodies(Javalin app) {
        app.unsafe.routes.after(ctx -> {
            // Added to what is there: cross-origin answers vary by Origin too.
            String vary = ctx.res().getHeader("Vary");
            if (vary == null || vary.isBlank()) {
                ctx.header("Vary", "Accept-Encoding");
            } else if (!vary.toLowerCase(java.util.Locale.ROOT).contains("accept-encoding")) {
                ctx.header("Vary", vary + ", Accept-Encoding");
            }
            if (ctx.statusCode() == 204 || ctx.statusCode() == 304) {
                ctx.res().setContentType(null);
            }
        });
    }

    private static void startupThread(Runnable task) {
        Thread thread = new Thread(task, "patchbay-startup");
        thread.setDaemon(true);
        thread.start();
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** Loads classes the main thread needs once storage is open: the account cache's and the listener's. */
    private static void preloadClasses() {
        for (String name : List.of("io.netty.handler.codec.http.HttpServerCodec",
                "io.netty.handler.codec.http.HttpObjectAggregator", "io.netty.handler.codec.http.HttpClientCodec",
                "io.netty.bootstrap.ServerBootstrap", "com.github.benmanes.caffeine.cache.Caffeine",
                "com.google.inject.internal.InjectorImpl", "com.squareup.moshi.Moshi")) {
            try {
                Class.forName(name, true, PatchbayServer.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("Not preloaded: {}", name);
            }
        }
    }

    private static ConnectorContext context(ServerConfig config, String id) {
        ServerConfig.ConnectorSettings settings = config.connector(id);
        ConnectorContext context = ConnectorContext.defaults(id)
                .withTimeouts(config.connectTimeout(), config.callTimeout())
                .withSettings(settings.settings());
        return settings.baseUrl().map(context::withBaseUrl).orElse(context);
    }

    private static void configure(JavalinConfig javalin, ServerConfig config, RequestLog requests,
                                  AtomicReference<List<ParsedEndpoint>> routes) {
        javalin.startup.showJavalinBanner = false;
        javalin.startup.showOldJavalinVersionWarning = false;
        // Only the public listener reaches the API server.
        javalin.jetty.host = "127.0.0.1";
        javalin.jetty.port = 0;
        javalin.http.maxRequestSize = config.maxRequestBytes();
        // A known path with another method is the caller's mistake of method, not of path.
        javalin.http.prefer405over404 = true;
        javalin.jsonMapper(Json.mapper());
        // Jetty reuses header lines it saw before on a connection, matched regardless of case by default: relayed
        // over connections the listener shares among clients, "Bearer PB_SK_…" then read as an earlier client's
        // "Bearer pb_sk_…" (and the other way round). Header values are read exactly as sent.
        javalin.jetty.modifyHttpConfiguration(http -> {
            http.setHeaderCacheCaseSensitive(true);
            // The listener holds requests to its own limits (8 KiB of request line, 8 KiB of headers); beyond
            // them, here, a request it let through, its non-ASCII bytes %-encoded, would get this server's 431.
            http.setRequestHeaderSize(RELAYED_HEADER_LIMIT);
        });
        if (!config.corsOrigins().isEmpty()) {
            javalin.jetty.modifyServletContextHandler(context -> context.insertHandler(
                    CrossOrigin.handler(config.corsOrigins(), requests)));
        }
        javalin.jetty.modifyServer(server -> {
            // Requests reach this server only through the listener, which already waits up to the shutdown timeout
            // for those in flight: by the time this server stops, any left are cut off, so it stops at once. (It
            // used to wait the timeout again, then log a failed graceful stop.)
            server.setStopTimeout(0);
            server.setErrorHandler(new JettyRefusals());
            if (server.getThreadPool() instanceof QueuedThreadPool pool) {
                // A thread still waiting on a provider is interrupted after half of this, and given the rest to end.
                pool.setStopTimeout(STOP_THREADS_TIMEOUT.toMillis());
            }
        });
        javalin.requestLogger.http((ctx, ms) -> logRequest(ctx, ms, requests, routes.get()));
        Problems.register(javalin.routes);
    }

    private static void logRequest(Context ctx, float ms, RequestLog requests, List<ParsedEndpoint> routes) {
        Caller caller = ctx.attribute(Authenticator.CALLER_ATTRIBUTE);
        requests.record(ctx.method().name(), route(ctx, routes), ctx.path(), ctx.statusCode(),
                (long) (ms * 1_000_000), caller == null ? "-" : caller.id());
    }

    /**
     * The route pattern a request is labelled with: the route that ran, else one whose path it has (a method the
     * path does not take, a query refused before any route ran), else {@code unmatched}. Never the path itself.
     */
    private static String route(Context ctx, List<ParsedEndpoint> routes) {
        try {
            var endpoint = ctx.endpoints().lastHttpEndpoint();
            if (endpoint != null) {
                return endpoint.path;
            }
            String path = ctx.path();
            return routes.stream().filter(route -> route.matches(path)).findFirst()
                    .map(route -> route.endpoint.path).orElse(UNMATCHED);
        } catch (RuntimeException e) {
            return UNMATCHED;
        }
    }

    public int port() {
        return edge.port();
    }

    /** The admin key made on this start, when this is the first start; never again afterwards. */
    public Optional<String> firstAdminKey() {
        return firstAdminKey.map(ApiKeyService.Created::key);
    }

    public ConnectorRegistry connectors() {
        return registry;
    }

    /** Routes served (method, path): the API server's and the listener's own, for checks such as the OpenAPI test. */
    public List<String> routes() {
        return Stream.concat(app.unsafe.internalRouter.allHttpHandlers().stream()
                        .filter(e -> e.endpoint.method.isHttpMethod() && e.endpoint.method != HandlerType.HEAD)
                        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path), edgeRoutes.stream())
                .toList();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Stopping: finishing requests in flight");
        stopping.set(true);
        nativeMemory.close();
        try {
            edge.close(shutdownTimeout);
            // Nothing is in flight any more, or what is left was cut off. The relay's kept-alive connections to the
            // API server close with the event loops, first: Jetty's graceful stop would otherwise wait about a
            // second for them. Connectors close next, so that calls still waiting on a provider end now and their
            // threads can stop with the API server.
            io.close();
            hub.close();
            registry.close();
            app.stop();
        } finally {
            storage.close();
            LOG.info("Stopped");
        }
    }
}
