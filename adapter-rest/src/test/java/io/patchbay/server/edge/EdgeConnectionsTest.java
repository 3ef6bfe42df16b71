package io.patchbay.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.patchbay.server.http.RequestLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
        edge = start(Duration.ofMillis(300), Duration.ofMillis(400));
    }

    private Edge start(Duration idleTimeout, Duration requestTimeout, EdgeRoute... routes) {
        return Edge.start(io, "127.0.0.1", 0, new Edge.Limits(1024, idleTimeout, requestTimeout), List.of(routes),
                new ApiRelay(io, unusedPort), new RequestLog(new SimpleMeterRegistry(), false), BrowserOrigins.NONE);
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
    void aRequestTrickledAByteAtATimeIsCutOffWith408() throws Exception {
        try (Socket client = new Socket("127.0.0.1", edge.port())) {
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            long started = System.nanoTime();
            out.write("GET /v1/connectors HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            // Never idle for the 300 ms idle timeout, never done: only the 400 ms request clock can end this.
            try {
                for (int i = 0; i < 40; i++) {
                    Thread.sleep(100);
                    out.write('X');
                    out.flush();
                }
            } catch (IOException closedByTheServer) {
                // expected once the 408 is out
            }
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 408").contains("connection: close")
                    .contains("\"code\":\"request_timeout\"");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(350),
                    Duration.ofSeconds(3));
        }
    }

    /** As the server runs: the idle timeout (75 s) longer than the request timeout (60 s). */
    @Test
    void aTrickledRequestIsCutOffByTheRequestClockAlsoWhenTheIdleTimeoutIsLonger() throws Exception {
        edge.close(Duration.ofSeconds(1));
        edge = start(Duration.ofSeconds(30), Duration.ofMillis(300));
        try (Socket client = new Socket("127.0.0.1", edge.port())) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write("GET /v1/connectors HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean cutOff = false;
            for (int i = 0; i < 50 && !cutOff; i++) {
                Thread.sleep(100);
                try {
                    out.write('X');
                    out.flush();
                } catch (IOException closedByTheServer) {
                    cutOff = true;
                }
            }
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(cutOff).as("the server closed the connection while the request trickled in").isTrue();
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
        }
    }

    @Test
    void theRequestClockRunsOnlyWhileARequestArrives() throws Exception {
        edge.close(Duration.ofSeconds(1));
        edge = start(Duration.ofSeconds(5), Duration.ofMillis(200));
        try (Socket client = new Socket("127.0.0.1", edge.port())) {
            client.setSoTimeout(5_000);
            byte[] request = "GET /v1/connectors HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            client.getOutputStream().write(request);
            assertThat(new String(readSome(client.getInputStream()), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 503");

            Thread.sleep(600); // three request timeouts between two requests on a kept-alive connection
            client.getOutputStream().write(request);
            assertThat(new String(readSome(client.getInputStream()), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 503");
        }
    }

    @Test
    void afterARefusedBodyIsReadAndDroppedTheConnectionIdlesAsAnyOther() throws Exception {
        edge.close(Duration.ofSeconds(1));
        edge = start(Duration.ofSeconds(5), Duration.ofMillis(200));
        try (Socket client = new Socket("127.0.0.1", edge.port())) {
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            out.write("POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1500]);
            out.flush();
            assertThat(new String(readSome(client.getInputStream()), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 413");
            out.write(new byte[1500]); // the rest of the body, which the client sends anyway
            out.flush();

            Thread.sleep(600); // three request timeouts: the dropped body's reads must not leave its clock running
            out.write("GET /v1/connectors HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(readSome(client.getInputStream()), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 503");
        }
    }

    @Test
    void aMalformedRequestWithATooLargeBodyIsAnsweredAsMalformedAndClosed() throws Exception {
        edge.close(Duration.ofSeconds(1));
        edge = start(Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (Socket client = new Socket("127.0.0.1", edge.port())) {
            client.setSoTimeout(3_000);
            client.getOutputStream().write(("POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
                    + "Bad Header: y\r\n\r\nGET /v1/connectors HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            // Not a 413 on a kept-alive connection whose decoder then drops everything: the GET would wait forever.
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("HTTP/1.1 413");
        }
    }

    /**
     * A client that asks for a large answer and stops reading it: without a clock on writing, the connection and
     * the part of the answer the socket cannot take would be held for good.
     */
    @Test
    void aClientThatStopsReadingItsAnswerIsClosedAndTheAnswerFreed() throws Exception {
        int large = 16 * 1024 * 1024; // far more than the socket buffers of both ends hold
        // Direct, so the socket writes this very buffer (a heap one is copied to a direct one at once).
        ByteBuf body = Unpooled.directBuffer(large).writeZero(large);
        EdgeRoute answersLarge = new EdgeRoute() {
            @Override
            public boolean handle(Exchange exchange) {
                exchange.respond(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body));
                return true;
            }

            @Override
            public List<String> routes() {
                return List.of("GET /large");
            }
        };
        edge.close(Duration.ofSeconds(1));
        edge = start(Duration.ofMillis(300), Duration.ofSeconds(5), answersLarge);
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(new InetSocketAddress("127.0.0.1", edge.port()));
            client.setSoTimeout(5_000);
            client.getOutputStream().write("GET /large HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            for (int waited = 0; body.refCnt() > 0; waited += 10) {
                assertThat(waited).as("the answer's buffer is released").isLessThan(10_000);
                Thread.sleep(10);
            }
            byte[] received = client.getInputStream().readAllBytes();
            assertThat(received.length).as("what the socket buffers held, then the end of the connection")
                    .isPositive().isLessThan(large);
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

    @Test
    void anApiAnswerTooLargeToPassOnIsA500NotAFalseStop() throws Exception {
        try (ServerSocket api = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket relayed = api.accept()) {
                    relayed.getInputStream().read(new byte[4096]);
                    relayed.getOutputStream().write(("HTTP/1.1 422 Unprocessable Entity\r\nContent-Type: "
                            + "application/json\r\nContent-Length: " + (ApiRelay.MAX_RESPONSE_BYTES + 1)
                            + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                    relayed.getInputStream().read();
                } catch (IOException e) {
                    // the relay closed its connection
                }
            });
            server.start();
            Edge relaying = Edge.start(io, "127.0.0.1", 0, new Edge.Limits(1024, Duration.ofSeconds(5),
                    Duration.ofSeconds(5)), List.of(), new ApiRelay(io, api.getLocalPort()),
                    new RequestLog(new SimpleMeterRegistry(), false), BrowserOrigins.NONE);
            try (Socket client = new Socket("127.0.0.1", relaying.port())) {
                client.setSoTimeout(5_000);
                client.getOutputStream().write("GET /v1/connectors HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(readSome(client.getInputStream()), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 500").doesNotContain("Retry-After")
                        .contains("\"code\":\"internal_error\"");
            } finally {
                relaying.close(Duration.ofSeconds(1));
                server.join(5_000);
            }
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
