package io.patchbay.server.edge;

import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loops, transport and blocking executor that the public listener and its routes share. Event loops
 * never wait: whatever may (a database read, a name lookup) runs on the blocking executor, which is bounded so an
 * overload is refused instead of queued without end.
 */
public final class EdgeIo implements AutoCloseable {
    /** Threads that may wait on the database or DNS at once. */
    static final int MAX_BLOCKING_THREADS = 64;

    private final Transport transport;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor blocking;
    private final List<Upstreams> upstreams = new CopyOnWriteArrayList<>();

    private EdgeIo(Transport transport, int threads) {
        this.transport = transport;
        this.group = transport.group(threads);
        AtomicInteger count = new AtomicInteger();
        this.blocking = new ThreadPoolExecutor(0, MAX_BLOCKING_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "patchbay-edge-io-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** One event loop per core: each loop does a request's whole work itself. */
    public static EdgeIo create() {
        // Leak sampling records a stack trace for every hundredth buffer, a cost on every request. The tests run
        // with the paranoid level; an operator chasing a leak sets -Dio.netty.leakDetection.level again.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        return new EdgeIo(Transport.best(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * Calls to upstream servers from these event loops, closed with them.
     *
     * @param idleTimeout pooled connections unused this long are closed: shorter than the server's own keep-alive
     *                    timeout, so that it rarely closes one just as a request is sent on it
     */
    public Upstreams upstreams(Duration connectTimeout, int maxResponseBytes, Duration idleTimeout) {
        Upstreams made = new Upstreams(transport, connectTimeout, maxResponseBytes, idleTimeout, blocking);
        upstreams.add(made);
        return made;
    }

    /** For work that may wait; refuses with {@link java.util.concurrent.RejectedExecutionException} when full. */
    public Executor blocking() {
        return blocking;
    }

    Transport transport() {
        return transport;
    }

    EventLoopGroup group() {
        return group;
    }

    public String transportName() {
        return transport.name();
    }

    @Override
    public void close() {
        upstreams.forEach(Upstreams::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        blocking.shutdown();
    }
}
