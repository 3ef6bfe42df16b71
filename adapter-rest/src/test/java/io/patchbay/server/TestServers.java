package io.patchbay.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts the real server on a free port of 127.0.0.1 with the embedded SQLite store in a temporary folder. */
final class TestServers {
    private TestServers() {
    }

    static ServerConfig config(Path dataDir, Map<String, URI> connectorBaseUrls) {
        return config(dataDir, connectorBaseUrls, Map.of());
    }

    /** As {@link #config(Path, Map)}, with more settings (environment variable names) added or replacing these. */
    static ServerConfig config(Path dataDir, Map<String, URI> connectorBaseUrls, Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>(Map.ofEntries(
                Map.entry("PATCHBAY_DATA_DIR", dataDir.toString()),
                Map.entry("PATCHBAY_PORT", "0"),
                Map.entry("PATCHBAY_CONNECTORS_DIR", dataDir.resolve("connectors").toString()),
                Map.entry("PATCHBAY_MAX_REQUEST_BYTES", "64KiB"),
                Map.entry("PATCHBAY_PROVIDER_CALL_TIMEOUT", "5s"),
                Map.entry("PATCHBAY_SHUTDOWN_TIMEOUT", "2s"),
                // Millisecond back-off and no client-side pacing: the fakes answer at once.
                Map.entry("PATCHBAY_CONNECTOR_TOGGL_REQUESTS_PER_SECOND", "10000"),
                Map.entry("PATCHBAY_CONNECTOR_TOGGL_RETRY_INITIAL_DELAY_MS", "5"),
                Map.entry("PATCHBAY_CONNECTOR_TOGGL_RETRY_MAX_DELAY_MS", "20"),
                Map.entry("PATCHBAY_CONNECTOR_ONEFLOW_RETRY_INITIAL_DELAY_MS", "5"),
                Map.entry("PATCHBAY_CONNECTOR_ONEFLOW_RETRY_MAX_DELAY_MS", "20")));
        environment.putAll(settings);
        ServerConfig config = ConfigLoader.load(environment);
        if (!settings.containsKey("PATCHBAY_CONNECTORS_DIR") && java.nio.file.Files.isDirectory(dataDir)) {
            // As an operator who sets the folder makes it: a missing one is warned about. Not in a data folder the
            // server is to create, which it makes owner-only.
            try {
                java.nio.file.Files.createDirectories(config.connectorsDir());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (Map.Entry<String, URI> e : connectorBaseUrls.entrySet()) {
            config = config.withConnector(e.getKey(), e.getValue());
        }
        return config;
    }

    static PatchbayServer start(Path dataDir, Map<String, URI> connectorBaseUrls) {
        return PatchbayServer.start(config(dataDir, connectorBaseUrls));
    }

    static PatchbayServer start(Path dataDir, Map<String, URI> connectorBaseUrls, java.time.Clock clock) {
        return PatchbayServer.start(config(dataDir, connectorBaseUrls), clock);
    }
}
