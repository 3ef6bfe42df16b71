package io.patchbay.core.plugin;

import io.patchbay.core.catalog.CallSecrets;
import io.patchbay.core.catalog.ContextClassLoader;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds connector factories on the class path and in a {@code connectors/} directory (one isolated class loader per
 * subfolder) and creates the connectors. On duplicate ids the class path wins, then the first folder by name;
 * each loser is logged. A connector that cannot be loaded (a folder, or a factory on the class path) is refused
 * with its reason, logged once, and the others still load: a bad definition (ids, action names), a failing
 * factory or a refused setting.
 */
public final class ConnectorRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRegistry.class);
    /** Connector and auth-method ids appear in URLs, settings names and stored rows. */
    // No '_': the settings' names separate the id from the setting with it (PATCHBAY_CONNECTOR_<ID>_<SETTING>).
    private static final Pattern CONNECTOR_ID = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final Pattern AUTH_METHOD_ID = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** A class path whose service files keep failing is not read forever. */
    private static final int MAX_FACTORY_FAILURES = 100;

    private final Map<String, Loaded> loaded;
    private final List<Rejected> rejected;
    private final List<ConnectorClassLoader> loaders;

    /** A connector that is in service. */
    public record Loaded(String id, String version, ConnectorSource source, Connector connector) {
        public Loaded {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(connector, "connector");
        }
    }

    /**
     * A connector that was refused (a folder, or a factory on the class path), and why; its id when known: a
     * folder's descriptor's once it was read, a class-path factory's once it told it.
     */
    public record Rejected(ConnectorSource source, Optional<String> connectorId, String reason) {
        public Rejected {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(connectorId, "connectorId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private ConnectorRegistry(Map<String, Loaded> loaded, List<Rejected> rejected, List<ConnectorClassLoader> loaders) {
        this.loaded = Map.copyOf(loaded);
        this.rejected = List.copyOf(rejected);
        this.loaders = List.copyOf(loaders);
    }

    /**
     * As {@link #load(ClassLoader, Optional, Function, Function)}, taking action schemas as the opaque text the SPI
     * has them as: for a host that does not read them as JSON.
     */
    public static ConnectorRegistry load(ClassLoader hostLoader, Optional<Path> connectorsDir,
                                         Function<String, ConnectorContext> contexts) {
        return load(hostLoader, connectorsDir, contexts, schema -> Optional.empty());
    }

    /**
     * @param hostLoader    the loader whose class path is searched, and which provides the SPI to folders
     * @param connectorsDir the drop-in directory, if any; a missing directory is treated as empty
     * @param contexts      the context each connector is created with, by id
     * @param schemaProblem the host's JSON parser on an action's input or output schema: why the text is not JSON,
     *                      empty when it is. A connector declaring one that is not is refused, rather than fail
     *                      every listing of its actions once the host runs (the core itself has no JSON library)
     */
    public static ConnectorRegistry load(ClassLoader hostLoader, Optional<Path> connectorsDir,
                                         Function<String, ConnectorContext> contexts,
                                         Function<String, Optional<String>> schemaProblem) {
        Objects.requireNonNull(hostLoader, "hostLoader");
        Objects.requireNonNull(connectorsDir, "connectorsDir");
        Host host = new Host(contexts, schemaProblem);
        Map<String, Loaded> byId = new LinkedHashMap<>();
        List<Rejected> rejected = new ArrayList<>();
        List<ConnectorClassLoader> loaders = new ArrayList<>();
        try {
            loadAll(hostLoader, connectorsDir, host, byId, rejected, loaders);
        } catch (RuntimeException | Error e) {
            // Whatever escaped (a contexts function that throws, say): nothing created stays open.
            closeAll(byId.values(), loaders);
            throw e;
        }
        byId.values().forEach(l -> LOG.info("Connector '{}' {} loaded from {}", l.id(), l.version(), l.source()));
        return new ConnectorRegistry(byId, rejected, loaders);
    }

    /** What the host gives every connector it loads, and how it checks what they declare. */
    private record Host(Function<String, ConnectorContext> contexts,
                        Function<String, Optional<String>> schemaProblem) {
        Host {
            Objects.requireNonNull(contexts, "contexts");
            Objects.requireNonNull(schemaProblem, "schemaProblem");
        }
    }

    private static void loadAll(ClassLoader hostLoader, Optional<Path> connectorsDir, Host host,
                                Map<String, Loaded> byId, List<Rejected> rejected, List<ConnectorClassLoader> loaders) {

        // Each class-path connector on its own: one that fails (a bad setting, a broken factory) is refused and the
        // others load, as with folders.
        ConnectorSource classPath = ConnectorSource.classPath();
        Iterator<ConnectorFactory> found = ServiceLoader.load(ConnectorFactory.class, hostLoader).iterator();
        for (int failures = 0; failures < MAX_FACTORY_FAILURES; ) {
            ConnectorFactory factory;
            try {
                if (!found.hasNext()) {
                    break;
                }
                factory = found.next();
            } catch (ServiceConfigurationError e) {
                failures++;
                refuse(rejected, classPath, factoryFailure("the class path", e));
                continue;
            }
            try {
                add(byId, factory, factoryId(factory, classPath), classPath, Optional.empty(), host);
            } catch (ConnectorLoadException e) {
                refuse(rejected, classPath, e);
            }
        }
        if (connectorsDir.isPresent() && !Files.isDirectory(connectorsDir.get())) {
            // A typo or a volume not mounted would otherwise lose every drop-in connector without a word.
            LOG.warn("Connectors folder {} {}, so no drop-in connector is loaded: create it with one subfolder per "
                    + "connector, or pass no folder", connectorsDir.get().toAbsolutePath(),
                    Files.exists(connectorsDir.get()) ? "is not a folder" : "does not exist");
        } else if (connectorsDir.isPresent()) {
            warnAboutLooseJars(connectorsDir.get());
            for (Path folder : subfolders(connectorsDir.get())) {
                try {
                    loadFolder(folder, hostLoader, byId, loaders, host);
                } catch (ConnectorLoadException e) {
                    refuse(rejected, ConnectorSource.directory(folder), e);
                }
            }
        }
    }

    /** The connectors in service, by id. */
    public List<Loaded> loaded() {
        return loaded.values().stream().sorted(Comparator.comparing(Loaded::id)).toList();
    }

    public List<Connector> connectors() {
        return loaded().stream().map(Loaded::connector).toList();
    }

    public Optional<Loaded> find(String id) {
        return Optional.ofNullable(loaded.get(id));
    }

    public List<Rejected> rejected() {
        return rejected;
    }

    /** Closes every connector, then every connector class loader; one that fails to close does not stop the rest. */
    @Override
    public void close() {
        closeAll(loaded.values(), loaders);
    }

    private static void closeAll(Collection<Loaded> connectors, List<ConnectorClassLoader> loaders) {
        for (Loaded l : connectors) {
            try {
                l.connector().close();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("Connector '{}' failed to close", l.id(), e);
            }
        }
        for (ConnectorClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.warn("Could not close class loader {}", loader.getName(), e);
            }
        }
    }

    private static void loadFolder(Path folder, ClassLoader hostLoader, Map<String, Loaded> byId,
                                   List<ConnectorClassLoader> loaders, Host host) {
        List<Path> jars = jars(folder);
        if (jars.isEmpty()) {
            throw new ConnectorLoadException("no .jar files in " + folder);
        }
        Map<Path, ConnectorDescriptor> descriptors = new LinkedHashMap<>();
        for (Path jar : jars) {
            try {
                ConnectorDescriptor.read(jar).ifPresent(d -> descriptors.put(jar, d));
            } catch (IOException e) {
                throw new ConnectorLoadException("cannot read " + jar + ": " + e.getMessage(), e);
            }
        }
        if (descriptors.size() != 1) {
            throw new ConnectorLoadException("expected exactly one " + SpiVersion.DESCRIPTOR_PATH + " among the jars of "
                    + folder + ", found " + descriptors.size() + (descriptors.isEmpty() ? "" : ", in "
                    + descriptors.keySet().stream().map(jar -> jar.getFileName().toString()).toList()));
        }
        ConnectorDescriptor descriptor = descriptors.values().iterator().next();
        try {
            loadDeclared(folder, jars, descriptor, hostLoader, byId, loaders, host);
        } catch (ConnectorLoadException e) {
            // Refused before its factory told its id: the descriptor's names it, so its settings are known as its.
            throw e.connectorId().isPresent() ? e : e.of(descriptor.id());
        }
    }

    private static void loadDeclared(Path folder, List<Path> jars, ConnectorDescriptor descriptor,
                                     ClassLoader hostLoader, Map<String, Loaded> byId,
                                     List<ConnectorClassLoader> loaders, Host host) {
        if (descriptor.spiMajor() != SpiVersion.MAJOR) {
            throw new ConnectorLoadException("connector '" + descriptor.id() + "' " + descriptor.version()
                    + " was built for SPI " + descriptor.spiVersion() + " but this Patchbay provides SPI "
                    + SpiVersion.CURRENT + "; the major versions must match");
        }
        if (descriptor.spiMinor() > SpiVersion.MINOR) {
            throw new ConnectorLoadException("connector '" + descriptor.id() + "' needs SPI " + descriptor.spiVersion()
                    + " but this Patchbay provides only SPI " + SpiVersion.CURRENT + "; upgrade Patchbay");
        }
        if (byId.containsKey(descriptor.id())) {
            LOG.warn("Connector '{}' in folder {} ignored: the one from {} takes precedence", descriptor.id(), folder,
                    byId.get(descriptor.id()).source());
            return;
        }
        ConnectorClassLoader loader = new ConnectorClassLoader("connector-" + descriptor.id(), urls(jars), hostLoader);
        List<ConnectorFactory> factories;
        try {
            factories = factories(ServiceLoader.load(ConnectorFactory.class, loader), folder.toString());
        } catch (ConnectorLoadException e) {
            closeQuietly(loader);
            throw e;
        }
        ConnectorSource source = ConnectorSource.directory(folder);
        try {
            List<ConnectorFactory> declared = new ArrayList<>();
            List<String> others = new ArrayList<>();
            ConnectorLoadException unreadable = null;
            for (ConnectorFactory factory : factories) {
                String id;
                try {
                    id = factoryId(factory, source);
                } catch (ConnectorLoadException e) {
                    // Another connector's factory in a merged jar may be broken without breaking this one.
                    unreadable = unreadable == null ? e : unreadable;
                    others.add(factory.getClass().getName() + " (no valid id)");
                    continue;
                }
                if (id.equals(descriptor.id())) {
                    declared.add(factory);
                } else {
                    others.add("'" + id + "'");
                }
            }
            if (factories.isEmpty()) {
                throw new ConnectorLoadException("folder " + folder + " declares connector '" + descriptor.id()
                        + "' but none of its jars registers a factory in META-INF/services/"
                        + ConnectorFactory.class.getName());
            }
            if (declared.isEmpty()) {
                throw factories.size() == 1 && unreadable != null ? unreadable : new ConnectorLoadException("folder "
                        + folder + " declares connector '" + descriptor.id() + "' but provides factories " + others);
            }
            if (declared.size() > 1) {
                throw new ConnectorLoadException("folder " + folder + " provides " + declared.size() + " factories of "
                        + "connector '" + descriptor.id() + "'; which one to load is not clear");
            }
            if (!others.isEmpty()) {
                // A jar merged for the class path, say: the others would otherwise be dropped without a word.
                LOG.warn("Folder {} also provides connectors {}, which are not loaded: a folder loads the connector "
                        + "its descriptor names ('{}'); give each connector a folder of its own", folder, others,
                        descriptor.id());
            }
            add(byId, declared.get(0), descriptor.id(), source, Optional.of(descriptor.version()), host);
        } catch (ConnectorLoadException e) {
            closeQuietly(loader);
            throw e;
        }
        loaders.add(loader);
    }

    /** A factory's id, checked: one that fails to tell it, or tells an invalid one, refuses its connector. */
    private static String factoryId(ConnectorFactory factory, ConnectorSource source) {
        String id;
        try {
            id = factory.id();
        } catch (Throwable e) {
            rethrowIfFatal(e);
            throw new ConnectorLoadException("connector factory " + factory.getClass().getName() + " from " + source
                    + " failed to tell its id: " + e, e);
        }
        if (id == null || !CONNECTOR_ID.matcher(id).matches()) {
            throw new ConnectorLoadException("connector factory " + factory.getClass().getName() + " from " + source
                    + " has the id " + (id == null ? "null" : "'" + id + "'") + "; a connector id is 1 to 64 "
                    + "lower-case letters, digits or '-', starting with a letter");
        }
        return id;
    }

    /**
     * A folder's version is its descriptor's; a class-path connector's is what it reports itself. A refusal names
     * the connector's id.
     */
    private static void add(Map<String, Loaded> byId, ConnectorFactory factory, String id, ConnectorSource source,
                            Optional<String> version, Host host) {
        try {
            create(byId, factory, id, source, version, host);
        } catch (ConnectorLoadException e) {
            throw e.of(id);
        }
    }

    private static void create(Map<String, Loaded> byId, ConnectorFactory factory, String id,
                               ConnectorSource source, Optional<String> version, Host host) {
        Loaded existing = byId.get(id);
        if (existing != null) {
            LOG.warn("Connector '{}' from {} ignored: the one from {} takes precedence", id, source, existing.source());
            return;
        }
        ConnectorContext given;
        try {
            given = host.contexts().apply(id);
        } catch (RuntimeException e) {
            // The host's own function: refusing this connector alone keeps the others and closes its class loader.
            throw new ConnectorLoadException("the host could not give connector '" + id + "' from " + source
                    + " its context: " + e, e);
        }
        if (given == null) {
            throw new ConnectorLoadException("the host gave connector '" + id + "' from " + source + " no context "
                    + "(null)");
        }
        given = withBaseUrlSetting(given, id, source);
        // What a connector logs during a call has that call's secrets masked.
        ConnectorContext context = given.withLogger(CallSecrets.masking(given.logger()));
        // Its own loader as the context loader: it shares only the SPI and SLF4J with the host.
        ClassLoader loader = factory.getClass().getClassLoader();
        Duration limit = context.callTimeout().compareTo(MIN_START_TIME) > 0 ? context.callTimeout() : MIN_START_TIME;
        Loaded started = withinDeadline(limit, id, source, () -> ContextClassLoader.using(loader,
                () -> start(factory, id, source, version, context, host)));
        byId.put(id, started);
    }

    /** The connector, created and its definition checked; any failure refuses it with the reason. */
    private static Loaded start(ConnectorFactory factory, String id, ConnectorSource source,
                                Optional<String> version, ConnectorContext context, Host host) {
        Connector connector;
        try {
            connector = factory.create(context);
        } catch (Throwable e) {
            rethrowIfFatal(e);
            throw new ConnectorLoadException("connector '" + id + "' from " + source + " failed to start: " + e, e);
        }
        try {
            ConnectorInfo info = connector.info();
            if (!info.id().equals(id)) {
                throw new ConnectorLoadException("factory '" + id + "' created a connector with id '" + info.id()
                        + "'");
            }
            // Asked once here, so a connector with an invalid definition is refused at load with its reason,
            // instead of failing every catalog request (for every connector) once the server runs.
            if (version.isPresent() && !version.get().equals(info.version())) {
                // The log would say one version and the API another.
                throw new ConnectorLoadException("connector '" + id + "' from " + source + " declares version "
                        + version.get() + " in its " + SpiVersion.DESCRIPTOR_PATH + " but its info() reports "
                        + info.version() + "; they must be the same");
            }
            checkDefinition(connector.credentialSpec(), connector.actions(), id, source, host.schemaProblem());
            if (Thread.currentThread().isInterrupted()) {
                // Refused at its deadline while it was starting: nobody holds it to close it but here.
                throw new ConnectorLoadException("connector '" + id + "' from " + source + " started too late");
            }
            return new Loaded(id, version.orElse(info.version()), source, connector);
        } catch (Throwable e) {
            rethrowIfFatal(e);
            try {
                connector.close();
            } catch (Throwable ignored) {
                rethrowIfFatal(ignored);
                // refused anyway; the reason below is the one that matters
            }
            // An IllegalArgumentException's message says it all; other failures are named by their class.
            String reason = e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
            throw e instanceof ConnectorLoadException load ? load : new ConnectorLoadException("connector '" + id
                    + "' from " + source + " has an invalid definition: " + reason, e);
        }
    }

    /**
     * The least a connector's start is given, whatever its call timeout: loading its classes alone can take more
     * than a short call timeout (1 s) on a slow or busy machine, and a start cut off refuses the connector.
     */
    static final Duration MIN_START_TIME = Duration.ofSeconds(10);

    /**
     * Runs a connector's start on a thread of its own: one that never returns (a factory waiting on a lock or a
     * network without a timeout) would otherwise hold the host's start for ever, every other connector with it. It
     * gets as long as one of its provider calls, at least {@link #MIN_START_TIME}; past that it is refused, its thread
     * interrupted and left behind.
     */
    private static Loaded withinDeadline(Duration limit, String id, ConnectorSource source, Supplier<Loaded> work) {
        FutureTask<Loaded> task = new FutureTask<>(work::get);
        Thread thread = new Thread(task, "connector-start-" + id);
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new ConnectorLoadException("connector '" + id + "' from " + source + " did not start within "
                    + limit.toMillis() + " ms (its call timeout, at least " + MIN_START_TIME.toSeconds() + " s): its "
                    + "factory's create(), or its info(), credentialSpec() or actions(), did not return");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new ConnectorLoadException("interrupted while connector '" + id + "' from " + source
                    + " was starting", e);
        } catch (ExecutionException e) {
            // start() has turned every failure but a fatal one into the connector's refusal.
            if (e.getCause() instanceof RuntimeException refused) {
                throw refused;
            }
            if (e.getCause() instanceof Error fatal) {
                throw fatal;
            }
            throw new ConnectorLoadException("connector '" + id + "' from " + source + " failed to start: "
                    + e.getCause(), e.getCause());
        }
    }

    /**
     * What a connector throws while it is loaded refuses that connector only, whatever it is (an AssertionError, a
     * ServiceConfigurationError, a StackOverflowError, whose stack is unwound by the time it is caught), except
     * what leaves the whole JVM unusable: OutOfMemoryError and the other VirtualMachineErrors.
     */
    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
            throw fatal;
        }
    }

    /**
     * A {@code base_url} among the settings is the base-URL override, as the server's
     * {@code PATCHBAY_CONNECTOR_<ID>_BASE_URL} is: every connector takes it (its unknown-setting message says so), so
     * an embedder who passes it as a setting gets the same.
     */
    private static ConnectorContext withBaseUrlSetting(ConnectorContext context, String id, ConnectorSource source) {
        Map<String, String> settings = new LinkedHashMap<>();
        String baseUrl = null;
        for (Map.Entry<String, String> setting : context.settings().entrySet()) {
            String key = setting.getKey().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
            if (key.equals("base_url")) {
                baseUrl = setting.getValue().strip();
            } else {
                settings.put(setting.getKey(), setting.getValue());
            }
        }
        if (baseUrl == null) {
            return context;
        }
        URI uri;
        try {
            uri = new URI(baseUrl);
        } catch (URISyntaxException e) {
            throw new ConnectorLoadException("connector '" + id + "' from " + source + ": setting base_url is not a "
                    + "URL: " + e.getMessage(), e);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new ConnectorLoadException("connector '" + id + "' from " + source + ": setting base_url must be "
                    + "an absolute http or https URL");
        }
        if (context.baseUrlOverride().isPresent() && !context.baseUrlOverride().get().equals(uri)) {
            throw new ConnectorLoadException("connector '" + id + "' from " + source + ": its context sets two "
                    + "different base URLs, as the override and as the base_url setting");
        }
        return context.withSettings(settings).withBaseUrl(uri);
    }

    /** What the SPI records cannot check alone: the ids the host relies on, and one action per name. */
    private static void checkDefinition(CredentialSpec spec, List<ActionDefinition> actions, String id,
                                        ConnectorSource source, Function<String, Optional<String>> schemaProblem) {
        for (AuthMethod method : spec.authMethods()) {
            if (!AUTH_METHOD_ID.matcher(method.id()).matches()) {
                throw new ConnectorLoadException("connector '" + id + "' from " + source + " has an auth method with "
                        + "the id '" + method.id() + "'; an auth method id is 1 to 64 lower-case letters, digits or "
                        + "'_', starting with a letter");
            }
            for (CredentialField field : method.fields()) {
                if (field.label().isBlank()) {
                    // Users are told of a field by its label ("<label> is required"): a blank one names nothing.
                    throw new ConnectorLoadException("connector '" + id + "' from " + source + " has a blank label "
                            + "for credential field '" + field.key() + "' of auth method '" + method.id() + "'");
                }
            }
        }
        Set<String> names = new HashSet<>();
        for (ActionDefinition action : actions) {
            if (!names.add(action.name())) {
                throw new ConnectorLoadException("connector '" + id + "' from " + source + " defines action '"
                        + action.name() + "' twice");
            }
            // The catalog hands both schemas out as JSON: one that is not would fail every listing of the actions.
            for (Map.Entry<String, String> schema : Map.of("input", action.inputSchema(),
                    "output", action.outputSchema()).entrySet()) {
                Optional<String> problem = schemaProblem.apply(schema.getValue());
                if (problem.isPresent()) {
                    throw new ConnectorLoadException("connector '" + id + "' from " + source + " declares an "
                            + schema.getKey() + " schema for action '" + action.name() + "' that is not JSON: "
                            + problem.get());
                }
            }
        }
    }

    private static List<ConnectorFactory> factories(ServiceLoader<ConnectorFactory> serviceLoader, String where) {
        List<ConnectorFactory> result = new ArrayList<>();
        try {
            serviceLoader.forEach(result::add);
        } catch (ServiceConfigurationError e) {
            throw factoryFailure(where, e);
        }
        return result;
    }

    /** The reason names what the factory's constructor threw, not only that it failed. */
    private static ConnectorLoadException factoryFailure(String where, ServiceConfigurationError e) {
        String cause = e.getCause() == null ? "" : "; caused by " + e.getCause();
        return new ConnectorLoadException("cannot instantiate a connector factory from " + where + ": "
                + e.getMessage() + cause, e);
    }

    /** Logged once, here, with the reason and (for a failure inside the connector) its stack trace. */
    private static void refuse(List<Rejected> rejected, ConnectorSource source, ConnectorLoadException e) {
        Throwable cause = e.getCause() instanceof ServiceConfigurationError error && error.getCause() != null
                ? error.getCause() : e.getCause();
        if (cause == null) {
            LOG.error("Connector refused ({}): {}", source, e.getMessage());
        } else {
            LOG.error("Connector refused ({}): {}", source, e.getMessage(), cause);
        }
        rejected.add(new Rejected(source, e.connectorId(), e.getMessage()));
    }

    /**
     * Jars directly in the connectors folder are not loaded, which would otherwise pass without a word: the folder
     * is one connector's own (set to that folder instead of its parent), or a jar was copied without its subfolder.
     */
    private static void warnAboutLooseJars(Path dir) {
        List<Path> jars;
        try {
            jars = jars(dir);
        } catch (ConnectorLoadException e) {
            return; // the subfolders cannot be listed either, which says so
        }
        if (jars.isEmpty()) {
            return;
        }
        List<String> names = jars.stream().map(jar -> jar.getFileName().toString()).toList();
        Optional<Map.Entry<Path, ConnectorDescriptor>> described = jars.stream().flatMap(jar -> {
            try {
                return ConnectorDescriptor.read(jar).map(d -> Map.entry(jar, d)).stream();
            } catch (IOException | RuntimeException e) {
                return Stream.empty();
            }
        }).findFirst();
        if (described.isEmpty()) {
            LOG.warn("Connectors folder {} holds {} directly, which is not loaded: each drop-in connector goes in a "
                    + "subfolder of its own with all its jars ({}/<connector>/)", dir, names, dir);
            return;
        }
        String id = described.get().getValue().id();
        boolean connectorFolders;
        try {
            connectorFolders = !subfolders(dir).isEmpty();
        } catch (UncheckedIOException e) {
            connectorFolders = false;
        }
        if (connectorFolders) {
            // The folder is the right one (the others load from it): pointing it elsewhere would drop them all.
            LOG.warn("Connectors folder {} holds {} directly, which is not loaded: move {} into {}/ (with the jars "
                    + "connector '{}' needs), as each drop-in connector has a subfolder of its own", dir, names,
                    described.get().getKey().getFileName(), dir.resolve(id), id);
        } else {
            LOG.warn("Connectors folder {} is the folder of connector '{}' itself ({}), which is not loaded: the "
                    + "connectors folder holds one subfolder per connector, so set it to {}", dir, id, names,
                    dir.toAbsolutePath().getParent());
        }
    }

    private static List<Path> subfolders(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list connectors directory " + dir, e);
        }
    }

    private static List<Path> jars(Path folder) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new ConnectorLoadException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static URL[] urls(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new ConnectorLoadException("bad jar path " + jars.get(i), e);
            }
        }
        return urls;
    }

    private static void closeQuietly(ConnectorClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // Nothing was loaded from it; the refusal message says what matters.
        }
    }
}
