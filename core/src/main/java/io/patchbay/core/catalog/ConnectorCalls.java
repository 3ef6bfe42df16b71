package io.patchbay.core.catalog;

import io.patchbay.core.DaemonThreads;
import io.patchbay.core.HubClosedException;
import io.patchbay.core.error.ConnectorFaultException;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
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
 * <p>At most {@code threads} calls run at once; a caller waiting for a free slot waits within its deadline and is
 * told so if none frees up. A call abandoned at its deadline gives its slot back at once, even if its connector
 * ignores the interrupt and keeps the thread: a stuck connector must not starve the others. {@link #close}
 * interrupts the calls still running and answers their callers at once, whether or not their connectors heed the
 * interrupt, and refuses waiting and new calls; all of them get {@link HubClosedException} (an
 * {@link IllegalStateException}).
 *
 * <p>Each call, however it ends, is told to the {@link ConnectorCallObserver} with its operation and outcome.
 */
public final class ConnectorCalls implements AutoCloseable {
    /** As {@link io.patchbay.spi.ConnectorContext#defaults}: 30 s for a whole provider call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The most connector calls running at once; more wait for a slot, within their deadline. */
    public static final int DEFAULT_THREADS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorCalls.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Duration timeout;
    private final int threads;
    private final Semaphore slots;
    private final ConnectorCallObserver observer;
    /** Threads are made as calls need them and end when idle; the slots bound how many calls run. */
    private final ExecutorService executor;
    /** The calls running now, cancelled at close: their callers must not wait for a connector that ignores it. */
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public ConnectorCalls(Duration timeout, int threads) {
        this(timeout, threads, ConnectorCallObserver.NONE);
    }

    /** @param observer told of every call once it ended */
    public ConnectorCalls(Duration timeout, int threads, ConnectorCallObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: must be positive, got " + timeout);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.slots = new Semaphore(threads, true);
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.named("patchbay-connector-" + POOLS.incrementAndGet() + "-"));
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * The hub's deadline from now, for several calls made for one request (a proxy request asks its connector for
     * the target, then sends): each given it waits and runs only for what is left, so together they end within one
     * call timeout.
     */
    public Deadline deadline() {
        return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
    }

    /**
     * When calls must have ended, on {@link System#nanoTime()}'s scale.
     *
     * @param budget how long it was when made, as messages name it
     */
    public record Deadline(long nanoTime, Duration budget) {
        public Deadline {
            Objects.requireNonNull(budget, "budget");
        }

        long remainingNanos() {
            return Math.max(0, nanoTime - System.nanoTime());
        }
    }

    /**
     * The result of {@code work}, or what it threw, as if it ran on the caller's thread.
     *
     * @param operation what the connector was asked, for the timeout message and the observer: one of few values,
     *                  never user input ({@code verify}, {@code action:list_tags}; see {@link ConnectorCallObserver})
     * @throws ProviderUnavailable with code {@link ProviderUnavailable#TIMEOUT} when the deadline passed first
     *                             (waiting for a free slot included)
     * @throws HubClosedException when the hub is closed, or closes while the call waits or runs (at once, even if
     *                             the connector ignores the interrupt)
     * @throws CancellationException when the caller's thread is interrupted: the caller gave up, and nothing was
     *                               learned of the provider (the interrupt flag stays set)
     */
    public <T> T call(String connectorId, String operation, Supplier<T> work) {
        return call(connectorId, operation, List.of(), work);
    }

    /**
     * As {@link #call(String, String, Supplier)}, for a call that carries credentials: their secret values are
     * masked in what is logged while the call runs, on any thread ({@link CallSecrets#masking}), and in the message
     * of a {@link ConnectorException} it throws ({@link SecretScrubber}); the connector's class loader is the
     * thread's context class loader meanwhile.
     */
    public <T> T call(Connector connector, Credentials credentials, String operation, Supplier<T> work) {
        return call(connector, CallSecrets.of(connector, credentials), operation, work);
    }

    /** As {@link #call(Connector, Credentials, String, Supplier)}, with the secrets already taken from them. */
    public <T> T call(Connector connector, List<String> secrets, String operation, Supplier<T> work) {
        return call(connector, secrets, operation, deadline(), work);
    }

    /** As {@link #call(Connector, List, String, Supplier)}, within what is left of a {@link #deadline()}. */
    public <T> T call(Connector connector, List<String> secrets, String operation, Deadline deadline,
                      Supplier<T> work) {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(work, "work");
        // The connector's code runs with its own class loader as the context loader, as it was created.
        ClassLoader loader = connector.getClass().getClassLoader();
        String id = connector.info().id();
        return call(id, operation, secrets, deadline, () -> answered(id, operation, secrets,
                () -> ContextClassLoader.using(loader, work)));
    }

    /**
     * What connector code gives back, or the SPI's failures it throws; no result, or any other failure, is the
     * connector's fault: logged here once with its stack trace (the call's secrets masked), and thrown as a
     * {@link ConnectorFaultException} naming the connector and the operation, not as a server failure of no name.
     */
    private static <T> T answered(String connectorId, String operation, List<String> secrets, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (ConnectorException | ConnectorFaultException expected) {
            throw expected;
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)
                    || Thread.currentThread().isInterrupted()) {
                throw e; // the JVM's failure, or the call cut off (deadline, close): not the connector's fault
            }
            throw fault(connectorId, "failed in " + named(operation) + ": " + e.getClass().getSimpleName(),
                    SecretScrubber.of(secrets).throwable(e));
        }
        if (result == null) {
            throw fault(connectorId, "returned no result from " + named(operation), null);
        }
        return result;
    }

    private static ConnectorFaultException fault(String connectorId, String what, Throwable cause) {
        String message = "Connector '" + connectorId + "' " + what;
        LOG.error("{}; the connector is faulty", message, cause);
        return new ConnectorFaultException(ConnectorFaultException.FAILED, connectorId, message
                + "; the connector is faulty: see the log", cause);
    }

    /** An operation as messages name it: {@code action 'list_tags'}, {@code verify}, {@code proxyTarget}. */
    private static String named(String operation) {
        if (operation.startsWith("action:")) {
            return "action '" + operation.substring("action:".length()) + "'";
        }
        return operation.equals("proxy_target") ? "proxyTarget" : operation;
    }

    /**
     * As {@link #call(String, String, Supplier)}, for work that carries secrets the caller already holds (the
     * headers a proxy request sends): they are masked in what is logged while it runs, on any thread.
     */
    public <T> T call(String connectorId, String operation, List<String> secrets, Supplier<T> work) {
        return call(connectorId, operation, secrets, deadline(), work);
    }

    /** As {@link #call(String, String, List, Supplier)}, within what is left of a {@link #deadline()} taken before. */
    public <T> T call(String connectorId, String operation, List<String> secrets, Deadline deadline,
                      Supplier<T> work) {
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(work, "work");
        long start = System.nanoTime();
        String outcome = ConnectorCallObserver.Outcome.UNEXPECTED;
        try {
            T result = run(connectorId, operation, secrets, work, deadline);
            outcome = ConnectorCallObserver.Outcome.OK;
            return result;
        } catch (RuntimeException | Error e) {
            outcome = outcome(e);
            throw e;
        } finally {
            observe(connectorId, operation, outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void observe(String connectorId, String operation, String outcome, Duration duration) {
        try {
            observer.observe(connectorId, operation, outcome, duration);
        } catch (RuntimeException e) {
            // Counting must never fail the call it counts.
            LOG.warn("The connector call observer failed for connector '{}' ({}): {}", connectorId, operation,
                    e.toString());
        }
    }

    /** How a call ended, as one of the few {@link ConnectorCallObserver.Outcome outcomes}. */
    private String outcome(Throwable failure) {
        if (failure instanceof ProviderUnavailable unavailable) {
            return unavailable.timedOut() ? ConnectorCallObserver.Outcome.TIMEOUT
                    : ConnectorCallObserver.Outcome.PROVIDER_UNAVAILABLE;
        }
        if (failure instanceof RateLimited) {
            return ConnectorCallObserver.Outcome.RATE_LIMITED;
        }
        if (failure instanceof InvalidCredentials) {
            return ConnectorCallObserver.Outcome.INVALID_CREDENTIALS;
        }
        if (failure instanceof InsufficientPermissions) {
            return ConnectorCallObserver.Outcome.INSUFFICIENT_PERMISSIONS;
        }
        if (failure instanceof ProviderRejected) {
            return ConnectorCallObserver.Outcome.REJECTED;
        }
        if (failure instanceof InputRejected || failure instanceof CredentialFormatException) {
            return ConnectorCallObserver.Outcome.INPUT_REJECTED;
        }
        // Refused or interrupted by close: the hub's end, not the connector's fault.
        if (failure instanceof CancellationException || failure instanceof HubClosedException) {
            return ConnectorCallObserver.Outcome.CANCELLED;
        }
        return ConnectorCallObserver.Outcome.UNEXPECTED;
    }

    private <T> T run(String connectorId, String operation, List<String> secrets, Supplier<T> work,
                      Deadline deadline) {
        refuseIfClosed(connectorId);
        try {
            if (!slots.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                String message = "No connector call could start within the host's deadline of "
                        + deadline.budget().toMillis() + " ms: all " + threads + " slots are taken; connector '"
                        + connectorId + "' was not called for " + operation;
                LOG.warn(message);
                throw new ProviderUnavailable(ProviderUnavailable.TIMEOUT, message, null);
            }
        } catch (InterruptedException e) {
            throw callerGaveUp(connectorId, operation, e);
        }
        boolean slotHeld = true;
        Future<T> future = null;
        try {
            refuseIfClosed(connectorId);
            try {
                future = executor.submit(() -> CallSecrets.during(secrets, work));
            } catch (RejectedExecutionException e) {
                throw closedFor(connectorId, e);
            }
            running.add(future);
            if (closed) {
                future.cancel(true); // close() may have gone through the running calls before this one was added
            }
            return future.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (CancellationException e) {
            // Only close() cancels a running call.
            throw closed ? closedFor(connectorId, null) : e;
        } catch (TimeoutException e) {
            future.cancel(true);
            if (closed) {
                throw closedFor(connectorId, null);
            }
            // The thread may stay with a connector that ignores the interrupt; its slot is free for the others.
            slots.release();
            slotHeld = false;
            // The host's deadline, which a server sets a little past the timeout it gives connectors.
            String message = "Connector '" + connectorId + "' did not finish " + operation + " within the host's "
                    + "deadline of " + deadline.budget().toMillis() + " ms; the call was abandoned";
            LOG.warn("{} (its thread was interrupted)", message);
            throw new ProviderUnavailable(ProviderUnavailable.TIMEOUT, message, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (closed) {
                throw closedFor(connectorId, cause); // interrupted by close: whatever it threw says nothing
            }
            if (cause instanceof ConnectorException failure) {
                throw SecretScrubber.of(secrets).failure(failure); // its message reaches API answers
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("connector '" + connectorId + "' failed in " + operation, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw callerGaveUp(connectorId, operation, e);
        } finally {
            if (future != null) {
                running.remove(future);
            }
            if (slotHeld) {
                slots.release();
            }
        }
    }

    private void refuseIfClosed(String connectorId) {
        if (closed) {
            throw closedFor(connectorId, null);
        }
    }

    private static HubClosedException closedFor(String connectorId, Throwable cause) {
        return new HubClosedException("The Patchbay hub is closed: connector '" + connectorId
                + "' is not called any more", cause);
    }

    private static CancellationException callerGaveUp(String connectorId, String operation, InterruptedException e) {
        Thread.currentThread().interrupt();
        CancellationException cancelled = new CancellationException("Interrupted while waiting for connector '"
                + connectorId + "' (" + operation + "); nothing was learned of the provider");
        cancelled.initCause(e);
        return cancelled;
    }

    /**
     * Interrupts the calls still running and answers their callers at once; they, callers waiting for a slot, and
     * later calls get {@link HubClosedException}. A connector that ignores the interrupt may keep its thread a while.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Cancelling completes each call's future, which wakes its caller: interrupting the thread alone would not
        // when the connector is blocked in I/O that ignores interrupts.
        running.forEach(future -> future.cancel(true));
        executor.shutdownNow();
        // Wakes the callers waiting for a slot, who then find the hub closed.
        slots.release(Integer.MAX_VALUE / 2);
    }
}
