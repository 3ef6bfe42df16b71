package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

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
    void aConfiguredDropInThatWasRefusedStopsTheStartWithItsOwnReason() {
        Rejected foo = new Rejected(ConnectorSource.directory(FOLDER), Optional.of("foo"),
                "connector 'foo' failed to start: Unknown setting(s) [tokn]");

        assertThat(PatchbayServer.connectorProblems(Set.of("foo"), Set.of("toggl"), List.of(foo))).containsExactly(
                "PATCHBAY_CONNECTOR_FOO_* (connector.foo.* in a file): connector 'foo' from folder " + FOLDER
                        + " could not start: connector 'foo' failed to start: Unknown setting(s) [tokn]");
        assertThat(PatchbayServer.connectorProblems(Set.of(), Set.of("toggl"), List.of(foo)))
                .as("a drop-in nobody configured may be left out").isEmpty();
    }

    @Test
    void aRefusedBuiltInIsNamedOnceAndAMisspeltIdAsNotLoaded() {
        Rejected toggl = new Rejected(ConnectorSource.classPath(), Optional.of("toggl"), "connector 'toggl' failed");

        assertThat(PatchbayServer.connectorProblems(Set.of("toggl", "togle"), Set.of("oneflow"), List.of(toggl)))
                .containsExactly("a connector on the class path could not start: connector 'toggl' failed",
                        "PATCHBAY_CONNECTOR_TOGLE_* (connector.togle.* in a file): no connector 'togle' is loaded "
                                + "(loaded: [oneflow])");
    }
}
