package io.patchbay.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a fake provider that closes a client connection once it has been idle for
 * {@code idle}, as providers and load balancers close idle keep-alive connections; the fake itself keeps them. For a
 * connector's tests of what its HTTP client does with a pooled connection the provider closed. It passes bytes
 * through, so a fake serving TLS is reached over TLS through it (the proxy then closes the TCP connection without a
 * TLS close_notify, as a load balancer dropping it does).
 */
public final class IdleClosingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final URI target;
    private final long idleNanos;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private IdleClosingProxy(URI target, Duration idle) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.idleNanos = idle.toNanos();
        daemon(this::accept);
        daemon(this::closeIdle);
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "idle-closing-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    public static IdleClosingProxy start(URI target, Duration idle) throws IOException {
        return new IdleClosingProxy(target, idle);
    }

    public URI baseUrl() {
        // The target's scheme (TLS passes through) and path (an API version, say) are kept.
        return URI.create(target.getScheme() + "://127.0.0.1:" + server.getLocalPort()
                + (target.getRawPath() == null ? "" : target.getRawPath()));
    }

    /** Client connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getHost(), target.getPort());
                connections.incrementAndGet();
                Link link = new Link(client, upstream, new AtomicLong(System.nanoTime()));
                links.add(link);
                daemon(() -> pump(link, client, upstream));
                daemon(() -> pump(link, upstream, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                link.lastActive().set(System.nanoTime());
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The link closed.
        } finally {
            link.close();
        }
    }

    private void closeIdle() {
        while (!closed) {
            long now = System.nanoTime();
            for (Link link : links) {
                if (now - link.lastActive().get() > idleNanos) {
                    link.close();
                    links.remove(link);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        links.forEach(Link::close);
    }

    private record Link(Socket client, Socket upstream, AtomicLong lastActive) {
        void close() {
            try {
                client.close();
                upstream.close();
            } catch (IOException e) {
                // Already closed.
            }
        }
    }
}
