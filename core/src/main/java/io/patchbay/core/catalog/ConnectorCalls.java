package io.patchbay.core.catalog;

import io.patchbay.spi.ProviderUnavailable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the connector calls that may reach a provider (verify, actions) under the host's own deadline. A connector
 * is told its call timeout in its context, but one that ignores it must not hang the caller: past the deadline the
 * caller gets {@link ProviderUnavailable#TIMEOUT} naming the connector, and the connector's thread is interrupted.
 *
 * <p>Calls run on a bounded pool of daemon threads; a call waiting for a free thread counts against its deadline.
 * {@link #close} interrupts the calls still running and refuses new ones.
 */
public final class ConnectorCalls implements AutoCloseable {
    /** As {@link io.patchbay.spi.ConnectorContext#defaults}: 30 s for a whole provider call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The most connector calls running at once; more wait in line. */
    public static final int DEFAULT_THREADS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorCalls.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Duration timeout;
    private final ThreadPoolExecutor executor;

    public ConnectorCalls(Duration timeout, int threads) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: must be positive, got " + timeout);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
        }
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threadFactory("patchbay-connector-" + POOLS.incrementAndGet() + "-"));
        // Idle threads end: a hub that is rarely used holds none.
        executor.allowCoreThreadTimeOut(true);
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * The result of {@code work}, or what it threw, as if it ran on the caller's thread.
     *
     * @param operation what the connector was asked, for the timeout message (e.g. "verify", "action list_tags")
     * @throws ProviderUnavailable with code {@link ProviderUnavailable#TIMEOUT} when the deadline passed first
     */
    public <T> T call(String connectorId, String operation, Supplier<T> work) {
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(work, "work");
        Future<T> future;
        try {
            future = executor.submit(work::get);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("The Patchbay hub is closed: connector '" + connectorId
                    + "' is not called any more", e);
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            String message = "Connector '" + connectorId + "' did not finish " + operation + " within the host's "
                    + "call timeout of " + timeout.toMillis() + " ms; the call was abandoned";
            LOG.warn("{} (its thread was interrupted)", message);
            throw new ProviderUnavailable(ProviderUnavailable.TIMEOUT, message, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("connector '" + connectorId + "' failed in " + operation, cause);
        } catch (InterruptedException e) {
            // The caller gave up (shutdown): the connector need not go on either.
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProviderUnavailable("Interrupted while waiting for connector '" + connectorId + "' ("
                    + operation + ")", e);
        }
    }

    /** Interrupts the calls still running; later calls fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static ThreadFactory threadFactory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
