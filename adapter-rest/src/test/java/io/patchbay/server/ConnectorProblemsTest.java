package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.patchbay.core.plugin.ConnectorRegistry.Rejected;
import io.patchbay.core.plugin.ConnectorSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which connector refusals and settings stop the server's start, and in which words. */
class ConnectorProblemsTest {
    private static final Path FOLDER = Path.of("connectors", "foo");

    @Test
    void aConfiguredDropInThatWasRefusedIsLeftOutWithAWarningThatItsSettingsAreUnused() {
        Rejected foo = new Rejected(ConnectorSource.directory(FOLDER), Optional.of("foo"),
                "connector 'foo' failed to start: java.lang.IllegalStateException: boom");

        try (LogCapture logs = new LogCapture()) {
            assertThat(PatchbayServer.connectorProblems(Set.of("foo"), Set.of("toggl"), List.of(foo))).isEmpty();
            assertThat(logs.lines(Level.WARN)).containsExactly("io.patchbay.server.PatchbayServer Settings "
                    + "PATCHBAY_CONNECTOR_FOO_* (connector.foo.* in a file) are unused: connector 'foo' from folder "
                    + FOLDER + " was refused (its reason is logged above), so the server starts without it"
                    + " arg=PATCHBAY_CONNECTOR_FOO arg=foo arg=foo arg=folder " + FOLDER);
        }
    }

    @Test
    void aRefusedBuiltInIsNamedOnceAndAMisspeltIdAsNotLoaded() {
        Rejected toggl = new Rejected(ConnectorSource.classPath(), Optional.of("toggl"), "connector 'toggl' failed");

        assertThat(PatchbayServer.connectorProblems(Set.of("toggl", "togle"), Set.of("oneflow"), List.of(toggl)))
                .containsExactly("a connector on the class path could not start: connector 'toggl' failed",
                        "PATCHBAY_CONNECTOR_TOGLE_* (connector.togle.* in a file): no connector 'togle' is loaded "
                                + "(loaded: [oneflow])");
    }

    @Test
    void aVariableThatAlsoReadsAsASettingOfAHyphenatedConnectorIsRefusedNamingBothReadings() {
        assertThat(PatchbayServer.ambiguousSettings("acme", Set.of("cloud_base_url", "timeout_ms"),
                Set.of("acme", "acme-cloud", "toggl")))
                .containsExactly("PATCHBAY_CONNECTOR_ACME_CLOUD_BASE_URL (connector.acme.cloud_base_url): reads as "
                        + "setting 'cloud_base_url' of connector 'acme', but connector 'acme-cloud' is loaded too and "
                        + "its setting 'base_url' may be meant; environment variable names cannot hold a '-': set "
                        + "connector.acme-cloud.base_url in the config file instead");
        assertThat(PatchbayServer.ambiguousSettings("acme", Set.of("cloud_base_url"), Set.of("acme", "toggl")))
                .as("no hyphenated connector it could mean").isEmpty();
        assertThat(PatchbayServer.ambiguousSettings("acme", Set.of("timeout_ms"), Set.of("acme", "acme-cloud")))
                .as("a setting that cannot be the other connector's").isEmpty();
    }
}
