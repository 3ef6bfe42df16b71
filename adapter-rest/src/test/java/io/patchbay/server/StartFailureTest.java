package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that cannot listen says where and which settings to change. */
class StartFailureTest {
    @TempDir
    Path data;

    @Test
    void aPortInUseNamesTheAddressAndItsSettings() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerConfig config = TestServers.config(data, Map.of(), Map.of("PATCHBAY_PORT",
                    Integer.toString(taken.getLocalPort())));
            assertThatThrownBy(() -> PatchbayServer.start(config).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is in use (set by "
                            + "PATCHBAY_HOST and PATCHBAY_PORT)");
        }
        // Nothing was left holding the data folder: the next start works.
        TestServers.start(data, Map.of()).close();
    }
}
