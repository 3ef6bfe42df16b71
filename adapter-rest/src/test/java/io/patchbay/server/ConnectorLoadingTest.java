package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server adds to the registry's own checks when it loads connectors. */
class ConnectorLoadingTest {
    @TempDir
    Path dataDir;

    @Test
    void aBuiltInConnectorWithAMisspeltSettingStopsTheStartNamingIt() {
        ServerConfig config = TestServers.config(dataDir, Map.of(),
                Map.of("PATCHBAY_CONNECTOR_TOGGL_REQUESTS_PER_SECONDS", "5"));
        assertThatThrownBy(() -> PatchbayServer.start(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Connectors on the class path could not start")
                .hasMessageContaining("connector 'toggl'")
                .hasMessageContaining("requests_per_seconds");
    }

    @Test
    void theBuiltInConnectorsPassEveryCheck() {
        try (PatchbayServer server = TestServers.start(dataDir, Map.of())) {
            assertThat(server.connectors().rejected()).isEmpty();
            assertThat(server.connectors().loaded()).extracting(l -> l.id()).contains("toggl", "oneflow");
        }
    }
}
