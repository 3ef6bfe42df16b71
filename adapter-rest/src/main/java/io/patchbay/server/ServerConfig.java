package io.patchbay.server;

import io.patchbay.storage.KeysetSource;
import io.patchbay.storage.StorageConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the server is configured with, validated. Built by {@link ConfigLoader} from {@code PATCHBAY_*}
 * environment variables and an optional properties or YAML file; every default gives a working single instance.
 *
 * @param host            the address to listen on
 * @param port            the port; 0 picks a free one
 * @param dataDir         where the embedded database, the generated keyset and the logs live
 * @param databaseUrl     a JDBC URL; empty means SQLite in {@code dataDir}
 * @param databaseStatementTimeout PostgreSQL: how long one statement may run before the database cancels it
 * @param keyset          where the keyset that seals account secrets is
 * @param generateKeyset  whether a missing keyset file may be created (first start of the embedded default)
 * @param connectorsDir   drop-in connector folders; a missing directory is fine
 * @param connectors      per connector id: base-URL override and free-form settings
 * @param maxRequestBytes bodies above this are refused with 413
 * @param connectTimeout  for calls to providers (connectors and the proxy)
 * @param callTimeout     for a whole call to a provider
 * @param accessLog       whether each request gets a line in the log (metrics are kept either way)
 * @param shutdownTimeout how long requests in flight may finish on stop
 * @param corsOrigins     web origins ({@code https://app.example.com}) whose pages may call the API from the
 *                        browser with a connect session token; empty allows none besides the server's own
 * @param logging         the logging set-up's settings by environment variable name: the log folder ({@code
 *                        dataDir/logs} unless set), and the level and format when set
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> databaseUser,
        Optional<String> databasePassword,
        int databasePoolSize,
        Duration databaseStatementTimeout,
        KeysetSource keyset,
        boolean generateKeyset,
        Path connectorsDir,
        Map<String, ConnectorSettings> connectors,
        long maxRequestBytes,
        Duration connectTimeout,
        Duration callTimeout,
        boolean accessLog,
        Duration shutdownTimeout,
        List<String> corsOrigins,
        Map<String, String> logging) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    /**
     * The hub cuts a connector call off this long after the call timeout the connector was given, so a connector
     * that keeps to its budget reports its own, more precise, timeout first.
     */
    static final Duration CALL_TIMEOUT_GRACE = Duration.ofSeconds(1);
    /** Beside the working directory; unlike a configured folder, it need not exist. */
    public static final Path DEFAULT_CONNECTORS_DIR = Path.of("connectors");

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        Objects.requireNonNull(databaseUser, "databaseUser");
        Objects.requireNonNull(databasePassword, "databasePassword");
        Objects.requireNonNull(keyset, "keyset");
        Objects.requireNonNull(databaseStatementTimeout, "databaseStatementTimeout");
        Objects.requireNonNull(connectorsDir, "connectorsDir");
        connectors = Map.copyOf(connectors);
        corsOrigins = List.copyOf(corsOrigins);
        logging = Map.copyOf(logging);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    /** A connector's base-URL override ({@code PATCHBAY_CONNECTOR_<ID>_BASE_URL}) and other settings. */
    public record ConnectorSettings(Optional<URI> baseUrl, Map<String, String> settings) {
        public ConnectorSettings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            settings = Map.copyOf(settings);
        }

        @Override
        public String toString() {
            return "ConnectorSettings[baseUrl=" + baseUrl.map(URI::toString).orElse("default") + ", settings="
                    + settings.keySet() + "]";
        }
    }

    /** The defaults with everything in {@code dataDir}: what a first start without any configuration uses. */
    public static ServerConfig embedded(Path dataDir, int port) {
        return ConfigLoader.load(Map.of("PATCHBAY_DATA_DIR", dataDir.toString(), "PATCHBAY_PORT",
                Integer.toString(port)));
    }

    public ConnectorSettings connector(String id) {
        return connectors.getOrDefault(id, new ConnectorSettings(Optional.empty(), Map.of()));
    }

    /** What the storage adapter needs. */
    public StorageConfig storage() {
        return new StorageConfig(databaseUrl.orElse("jdbc:sqlite:" + dataDir.resolve(StorageConfig.EMBEDDED_DATABASE_FILE)),
                databaseUser, databasePassword, keyset, generateKeyset, databasePoolSize)
                .withStatementTimeout(databaseStatementTimeout)
                .withMissingKeysetHint("Create one with `java -jar patchbay-server.jar " + Main.NEW_KEYSET + " > FILE`"
                        + " (readable by the server's user only), or set " + ConfigLoader.envName("keyset.generate")
                        + "=true to create it on a first start.");
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, databaseUrl, databaseUser, databasePassword, databasePoolSize,
                databaseStatementTimeout, keyset, generateKeyset, connectorsDir, connectors, maxRequestBytes,
                connectTimeout, callTimeout, accessLog, shutdownTimeout, corsOrigins, logging);
    }

    public ServerConfig withConnector(String id, URI baseUrl) {
        var copy = new java.util.HashMap<>(connectors);
        copy.put(id, new ConnectorSettings(Optional.of(baseUrl), connector(id).settings()));
        return new ServerConfig(host, port, dataDir, databaseUrl, databaseUser, databasePassword, databasePoolSize,
                databaseStatementTimeout, keyset, generateKeyset, connectorsDir, copy, maxRequestBytes, connectTimeout,
                callTimeout, accessLog, shutdownTimeout, corsOrigins, logging);
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", database="
                + storage() + ", connectorsDir=" + connectorsDir + ", connectors=" + connectors
                + ", maxRequestBytes=" + maxRequestBytes + ", connectTimeout=" + connectTimeout + ", callTimeout="
                + callTimeout + ", accessLog=" + accessLog + ", shutdownTimeout=" + shutdownTimeout + ", corsOrigins="
                + corsOrigins + ", logging="
                + logging + "]";
    }
}
