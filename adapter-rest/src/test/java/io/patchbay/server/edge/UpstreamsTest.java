package io.patchbay.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pooled upstream connections and their two clocks (the call's timeout, the idle time in the pool), against a plain
 * socket server that answers each request after a delay the test sets and records when the client closes a
 * connection.
 */
class UpstreamsTest {
    private static final Duration IDLE = Duration.ofMillis(300);

    private EdgeIo io;
    private Upstreams upstreams;
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Integer> closedByClient = new CopyOnWriteArrayList<>();
    private volatile long answerDelayMillis;
    /** What the server does with the request at an index (from 1) on a connection (from 1). */
    private volatile BiFunction<Integer, Integer, Step> steps = (connection, index) -> new Step(answerDelayMillis, false);

    /** Answer after a delay, or close the connection after it without answering. */
    private record Step(long delayMillis, boolean hangUp) {
    }

    @BeforeEach
    void start() throws IOException {
        io = EdgeIo.create();
        upstreams = io.upstreams(Duration.ofSeconds(2), 1024 * 1024, IDLE);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "upstreams-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        io.close();
        server.close();
    }

    @Test
    void aConnectionInSteadyUseIsKeptPastTheIdleTimeoutAndClosedOnceIdle() throws Exception {
        EventLoop loop = io.group().next();
        for (int i = 0; i < 6; i++) {
            assertThat(call(loop, Duration.ofSeconds(2)).join()).isEqualTo("200 connection 1");
            Thread.sleep(IDLE.toMillis() / 3);
        }
        assertThat(connections.get()).as("one connection for calls spread over twice the idle timeout").isEqualTo(1);
        assertThat(closedByClient).isEmpty();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (closedByClient.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(closedByClient).as("closed after the idle timeout").containsExactly(1);
        assertThat(call(loop, Duration.ofSeconds(2)).join()).isEqualTo("200 connection 2");
    }

    @Test
    void aConnectionIdleForTheIdleTimeoutIsNeverUsedAgain() throws Exception {
        EventLoop loop = io.group().next();
        assertThat(call(loop, Duration.ofSeconds(2)).join()).isEqualTo("200 connection 1");
        Thread.sleep(IDLE.toMillis() + 150);
        assertThat(call(loop, Duration.ofSeconds(2)).join()).isEqualTo("200 connection 2");
    }

    @Test
    void aCallThatOutlivesItsTimeoutFailsAndItsConnectionIsNotReused() throws Exception {
        EventLoop loop = io.group().next();
        answerDelayMillis = 2_000;
        long started = System.nanoTime();
        assertThat(call(loop, Duration.ofMillis(200)).join()).isEqualTo("failed TimeoutException");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well before the answer")
                .isLessThan(Duration.ofMillis(1_500));

        answerDelayMillis = 0;
        assertThat(call(loop, Duration.ofSeconds(2)).join()).isEqualTo("200 connection 2");
    }

    @Test
    void aTimeoutShorterThanTheIdleTimeLeftIsStillKeptOnAPooledConnection() throws Exception {
        EventLoop loop = io.group().next();
        assertThat(call(loop, Duration.ofSeconds(2)).join()).isEqualTo("200 connection 1");
        answerDelayMillis = 2_000;
        long started = System.nanoTime();
        assertThat(call(loop, Duration.ofMillis(100)).join()).isEqualTo("failed TimeoutException");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well before the answer")
                .isLessThan(Duration.ofMillis(1_500));
    }

    /**
     * A GET whose pooled connection fails late is retried on a new one, on what is left of its timeout: each attempt
     * alone fits the timeout, both together do not.
     */
    @Test
    void theRetryOfAGetRunsOnWhatIsLeftOfTheCallTimeout() {
        EventLoop loop = io.group().next();
        assertThat(call(loop, Duration.ofSeconds(2), true).join()).isEqualTo("200 connection 1");
        steps = (connection, index) -> new Step(700, connection == 1);

        assertThat(call(loop, Duration.ofMillis(1_000), true).join()).isEqualTo("failed TimeoutException");
        assertThat(connections.get()).as("the retry was made").isEqualTo(2);
    }

    /** A provider that does not take the connection uses up the call's timeout, not a connect timeout after it. */
    @Test
    void connectingCountsAgainstTheCallTimeout() throws IOException {
        // A listener that never accepts, its queue full: the kernel drops further connection attempts unanswered.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (boolean accepted = true; accepted && queued.size() < 16; ) {
                    Socket socket = new Socket();
                    queued.add(socket);
                    try {
                        socket.connect(full.getLocalSocketAddress(), 200);
                    } catch (SocketTimeoutException e) {
                        accepted = false;
                    }
                }
                EventLoop loop = io.group().next();

                assertThat(call(loop, full.getLocalPort(), Duration.ofMillis(300), false).join())
                        .as("within the 300 ms call timeout, not after the 2 s connect timeout")
                        .isEqualTo("failed TimeoutException");
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    private CompletableFuture<String> call(EventLoop loop, Duration timeout) {
        return call(loop, timeout, false);
    }

    private CompletableFuture<String> call(EventLoop loop, Duration timeout, boolean retryable) {
        return call(loop, server.getLocalPort(), timeout, retryable);
    }

    /** "status connection n", or "failed" and the failure's type. */
    private CompletableFuture<String> call(EventLoop loop, int port, Duration timeout, boolean retryable) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        loop.execute(() -> {
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/item",
                    Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port);
            upstreams.send(loop, new Origin(false, "127.0.0.1", port), request, timeout, retryable,
                    new Upstreams.Callback() {
                        @Override
                        public void onResponse(FullHttpResponse response) {
                            outcome.complete(response.status().code() + " "
                                    + response.content().toString(StandardCharsets.UTF_8));
                            response.release();
                        }

                        @Override
                        public void onFailure(Throwable cause) {
                            outcome.complete("failed " + cause.getClass().getSimpleName());
                        }
                    });
        });
        return outcome;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int number = connections.incrementAndGet();
                Thread thread = new Thread(() -> serve(socket, number), "upstreams-test-connection-" + number);
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Answers every request on the connection with its number; notes when the client closes it. */
    private void serve(Socket socket, int number) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            for (int index = 1; ; index++) {
                if (!readHead(in)) {
                    closedByClient.add(number);
                    return;
                }
                Step step = steps.apply(number, index);
                Thread.sleep(step.delayMillis());
                if (step.hangUp()) {
                    return;
                }
                byte[] body = ("connection " + number).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away while the answer was delayed
        }
    }

    /** Reads a request head (these requests have no body); false at the end of the stream. */
    private static boolean readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return true;
            }
        }
        return false;
    }
}
