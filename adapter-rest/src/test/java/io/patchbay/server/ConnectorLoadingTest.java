package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.patchbay.spi.SpiVersion;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server adds to the registry's own checks when it loads connectors. */
class ConnectorLoadingTest {
    @TempDir
    Path dataDir;

    @Test
    void aBuiltInConnectorWithAMisspeltSettingStopsTheStartNamingItBeforeAnAdminKeyIsMade() {
        ServerConfig config = TestServers.config(dataDir, Map.of(),
                Map.of("PATCHBAY_CONNECTOR_TOGGL_REQUESTS_PER_SECONDS", "5", "PATCHBAY_CONNECTOR_TOGGL_BASEURL", "x"));
        assertThatThrownBy(() -> PatchbayServer.start(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid configuration:")
                .hasMessageContaining("a connector on the class path could not start")
                .hasMessageContaining("connector 'toggl'")
                .hasMessageContaining("requests_per_seconds")
                .hasMessageContaining("baseurl")
                .satisfies(e -> assertThat(((ConfigException) e).problems()).as("only the refusal, not also "
                        + "'no connector toggl is loaded', which would contradict it").hasSize(1));
        correctedStartIsAFirstStart();
    }

    @Test
    void aSettingForAConnectorThatIsNotLoadedStopsTheStartNamingItBeforeAnAdminKeyIsMade() {
        ServerConfig config = TestServers.config(dataDir, Map.of(),
                Map.of("PATCHBAY_CONNECTOR_TOGLE_BASE_URL", "http://127.0.0.1:9"));
        assertThatThrownBy(() -> PatchbayServer.start(config))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "PATCHBAY_CONNECTOR_TOGLE_* (connector.togle.* in a file): no connector 'togle' is loaded "
                                + "(loaded: [oneflow, toggl])"));
        correctedStartIsAFirstStart();
    }

    @Test
    void refusedDropInsWithSettingsAreLeftOutAndTheServerStartsWithTheOthers() {
        Path connectors = dataDir.resolve("connectors");
        DropIns.connector("broken").createFirst("if (true) throw new IllegalStateException(\"no licence\");")
                .into(connectors);
        DropIns.connector("spi2").spiVersion(SpiVersion.MAJOR + ".99").into(connectors);
        DropIns.connector("typo").serviceFile("test.dropin.typo.Factroy\n").into(connectors);
        DropIns.connector("fine").into(connectors);
        Map<String, String> settings = Map.of("PATCHBAY_CONNECTOR_BROKEN_BASE_URL", "http://127.0.0.1:9/",
                "PATCHBAY_CONNECTOR_SPI2_BASE_URL", "http://127.0.0.1:9/",
                "PATCHBAY_CONNECTOR_TYPO_BASE_URL", "http://127.0.0.1:9/",
                "PATCHBAY_CONNECTOR_FINE_BASE_URL", "http://127.0.0.1:9/");
        try (LogCapture logs = new LogCapture();
             PatchbayServer server = PatchbayServer.start(TestServers.config(dataDir, Map.of(), settings))) {
            assertThat(server.connectors().loaded()).extracting(l -> l.id()).contains("toggl", "oneflow", "fine")
                    .doesNotContain("broken", "spi2", "typo");
            assertThat(server.connectors().rejected()).as("each refusal carries the descriptor's id")
                    .extracting(r -> r.connectorId().orElseThrow())
                    .containsExactlyInAnyOrder("broken", "spi2", "typo");
            assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.contains("are unused")).containsExactly(
                    unused("broken", connectors), unused("spi2", connectors), unused("typo", connectors));
            assertThat(logs.lines(Level.ERROR)).filteredOn(line -> line.contains("Connector refused")).hasSize(3)
                    .anySatisfy(line -> assertThat(line).contains("no licence"))
                    .anySatisfy(line -> assertThat(line).contains("needs SPI " + SpiVersion.MAJOR + ".99"))
                    .anySatisfy(line -> assertThat(line).contains("test.dropin.typo.Factroy"));
        }
    }

    private static String unused(String id, Path connectors) {
        String env = "PATCHBAY_CONNECTOR_" + id.toUpperCase(java.util.Locale.ROOT);
        return "io.patchbay.server.PatchbayServer Settings " + env + "_* (connector." + id + ".* in a file) are "
                + "unused: connector '" + id + "' from folder " + connectors.resolve(id) + " was refused (its reason "
                + "is logged above), so the server starts without it arg=" + env + " arg=" + id + " arg=" + id
                + " arg=folder " + connectors.resolve(id);
    }

    /** The refused start stored nothing: the corrected one still makes and shows the first admin key. */
    private void correctedStartIsAFirstStart() {
        try (PatchbayServer corrected = PatchbayServer.start(TestServers.config(dataDir, Map.of(), Map.of()))) {
            assertThat(corrected.firstAdminKey()).isPresent();
        }
    }

    @Test
    void aConfiguredConnectorsFolderThatDoesNotExistIsWarnedAboutOnce() {
        Path missing = dataDir.resolve("conectors");
        try (LogCapture logs = new LogCapture();
             PatchbayServer server = PatchbayServer.start(TestServers.config(dataDir, Map.of(),
                     Map.of("PATCHBAY_CONNECTORS_DIR", missing.toString())))) {
            assertThat(server.connectors().loaded()).extracting(l -> l.id()).contains("toggl", "oneflow");
            assertThat(logs.lines()).filteredOn(line -> line.contains("connectors folder")).containsExactly(
                    "io.patchbay.server.PatchbayServer The connectors folder " + missing.toAbsolutePath()
                            + " (PATCHBAY_CONNECTORS_DIR) does not exist, so no drop-in connector is loaded: create "
                            + "it with one subfolder per connector arg=" + missing.toAbsolutePath()
                            + " arg=PATCHBAY_CONNECTORS_DIR");
        }
        try (LogCapture logs = new LogCapture();
             PatchbayServer server = TestServers.start(dataDir, Map.of())) {
            assertThat(logs.lines()).as("an existing folder").noneMatch(line -> line.contains("connectors folder"));
        }
    }

    @Test
    void theBuiltInConnectorsPassEveryCheck() {
        try (PatchbayServer server = TestServers.start(dataDir, Map.of())) {
            assertThat(server.connectors().rejected()).isEmpty();
            assertThat(server.connectors().loaded()).extracting(l -> l.id()).contains("toggl", "oneflow");
        }
    }
}
