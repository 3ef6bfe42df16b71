package io.patchbay.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kit's own stand-in provider on 127.0.0.1: it records every request and answers each with a fixed status and
 * an empty body, after holding it back for {@code hold} (zero: at once). Where a connector sends its calls, and
 * whether it waits longer than its call timeout, is then plain to see without knowing the provider.
 */
final class KitServer implements AutoCloseable {
    /** A request as the kit saw it: method and path (with query). */
    record Seen(String method, String path) {
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();

    KitServer(int status, Duration hold) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("the kit could not open a local port", e);
        }
        threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "kit-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> answer(exchange, status, hold));
        server.start();
    }

    private void answer(HttpExchange exchange, int status, Duration hold) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString()));
            body.readAllBytes();
            if (!hold.isZero() && closing.await(hold.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            answered.incrementAndGet();
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code like} with this server's scheme, host and port: the path a connector expects is kept. */
    URI baseUrl(URI like) {
        try {
            return new URI("http", null, "127.0.0.1", server.getAddress().getPort(), like.getPath(), null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("base URL " + like, e);
        }
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** How many requests got their answer (a held one only once its hold is over). */
    int answered() {
        return answered.get();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
