package io.patchbay.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listener's connection handling on its own, with no API server behind it. */
class EdgeConnectionsTest {
    EdgeIo io;
    Edge edge;
    int unusedPort;

    @BeforeEach
    void start() throws IOException {
        io = EdgeIo.create();
        try (ServerSocket free = new ServerSocket(0)) {
            unusedPort = free.getLocalPort();
        }
        edge = Edge.start(io, "127.0.0.1", 0, 1024, Duration.ofMillis(300), List.of(), new ApiRelay(io, unusedPort));
    }

    @AfterEach
    void stop() {
        edge.close(Duration.ofSeconds(1));
        io.close();
    }

    @Test
    void anIdleConnectionIsClosed() throws IOException {
        try (Socket client = new Socket("127.0.0.1", edge.port())) {
            client.setSoTimeout(5_000);
            long started = System.nanoTime();
            assertThat(client.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void whenTheApiServerIsNotThereTheAnswerIsA503ProblemNotAReset() throws IOException {
        try (Socket client = new Socket("127.0.0.1", edge.port())) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write("GET /v1/connectors HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(readSome(client.getInputStream()), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 503").contains("Retry-After: 1")
                    .contains("\"code\":\"server_unavailable\"");
        }
    }

    private static byte[] readSome(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        int total = 0;
        for (int n = in.read(buffer); n > 0; n = in.read(buffer, total, buffer.length - total)) {
            total += n;
            if (new String(buffer, 0, total, StandardCharsets.UTF_8).contains("}")) {
                break;
            }
        }
        return java.util.Arrays.copyOf(buffer, total);
    }
}
