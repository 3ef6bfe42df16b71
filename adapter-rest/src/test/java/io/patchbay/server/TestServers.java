package io.patchbay.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** Starts the real server on a free port of 127.0.0.1 with the embedded SQLite store in a temporary folder. */
final class TestServers {
    private TestServers() {
    }

    static ServerConfig config(Path dataDir, Map<String, URI> connectorBaseUrls) {
        ServerConfig config = ConfigLoader.load(Map.of(
                "PATCHBAY_DATA_DIR", dataDir.toString(),
                "PATCHBAY_PORT", "0",
                "PATCHBAY_CONNECTORS_DIR", dataDir.resolve("connectors").toString(),
                "PATCHBAY_MAX_REQUEST_BYTES", "64KiB",
                "PATCHBAY_PROVIDER_CALL_TIMEOUT", "5s",
                "PATCHBAY_SHUTDOWN_TIMEOUT", "2s"));
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
