package io.patchbay.connector.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.testkit.IdleClosingProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;

/**
 * A MockWebServer standing in for a provider, behind a proxy that closes idle connections as providers do, and a
 * client built with {@link StaleConnections} pointed at the proxy. Every request the provider received is recorded
 * as {@code "METHOD /path"}; a {@code delay} query parameter (milliseconds) holds the answer back.
 */
record StubProvider(MockWebServer server, IdleClosingProxy proxy, OkHttpClient client, List<String> received,
                    AtomicBoolean dropNextWrite) implements AutoCloseable {
    /** Longer than a connector's 3 s call timeout. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    private static final MediaType JSON = MediaType.get("application/json");

    /** What the provider offers: plain HTTP/1.1, or TLS with HTTP/1.1 alone or HTTP/2 as well by ALPN. */
    enum Wire {
        PLAIN(List.of(Protocol.HTTP_1_1)),
        TLS_HTTP_1_1(List.of(Protocol.HTTP_1_1)),
        TLS_HTTP_2(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));

        final List<Protocol> protocols;

        Wire(List<Protocol> protocols) {
            this.protocols = protocols;
        }
    }

    /** {@code tls} is what the server presents; null for {@link Wire#PLAIN}. */
    static StubProvider start(Wire wire, HandshakeCertificates tls, Duration idleClose) throws IOException {
        MockWebServer server = new MockWebServer();
        if (wire != Wire.PLAIN) {
            server.useHttps(tls.sslSocketFactory());
            server.setProtocols(wire.protocols);
        }
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicBoolean dropNextWrite = new AtomicBoolean();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                received.add(request.getMethod() + " " + request.getUrl().encodedPath());
                MockResponse.Builder answer = new MockResponse.Builder().body("{\"ok\":true}");
                String delay = request.getUrl().queryParameter("delay");
                if (delay != null) {
                    answer.headersDelay(Long.parseLong(delay), TimeUnit.MILLISECONDS);
                }
                if (!"GET".equals(request.getMethod()) && dropNextWrite.compareAndSet(true, false)) {
                    // Received, maybe applied, and then the connection breaks before any answer.
                    answer.onResponseStart(new SocketEffect.CloseSocket());
                }
                return answer.build();
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        IdleClosingProxy proxy = IdleClosingProxy.start(server.url("/").uri(), idleClose);
        OkHttpClient client = new StaleConnections().install(new OkHttpClient.Builder())
                .connectTimeout(Duration.ofSeconds(1))
                .callTimeout(CALL_TIMEOUT)
                .build();
        return new StubProvider(server, proxy, client, received, dropNextWrite);
    }

    private HttpUrl url(String path) {
        return HttpUrl.get(proxy.baseUrl()).resolve(path);
    }

    String get(String path) throws IOException {
        return execute(new Request.Builder().url(url(path)).build());
    }

    String post(String path) throws IOException {
        return execute(new Request.Builder().url(url(path)).post(RequestBody.create("{}", JSON)).build());
    }

    private String execute(Request request) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            assertThat(response.code()).isEqualTo(200);
            return response.body().string();
        }
    }

    /** A burst of slow reads leaves connections in the pool (one, shared, on HTTP/2), which the proxy then closes. */
    void poolConnectionsThatGoStale(Wire wire, Duration idleClose) throws InterruptedException {
        int before = proxy.connections();
        List<CompletableFuture<String>> burst = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return get("/burst?delay=150");
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }))
                .toList();
        burst.forEach(CompletableFuture::join);
        assertThat(proxy.connections() - before).as("the burst opened connections")
                .isGreaterThanOrEqualTo(wire.protocols.contains(Protocol.HTTP_2) ? 1 : 3);
        Thread.sleep(idleClose.multipliedBy(2).toMillis());
        received.clear();
    }

    @Override
    public void close() throws IOException {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        proxy.close();
        server.close();
    }
}
