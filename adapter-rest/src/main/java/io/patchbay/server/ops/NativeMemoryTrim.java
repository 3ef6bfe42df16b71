package io.patchbay.server.ops;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the operating system back the C heap that the JIT compilers used and freed. Compiling start-up's code takes
 * tens of megabytes of scratch memory; glibc keeps what is freed for later use, so without a trim it stays resident
 * for the life of the process (17–22 MiB of a 150 MiB server, measured). Once the compilers have been quiet for a
 * while, one {@code malloc_trim} (the JVM's {@code System.trim_native_heap} command) returns it; after later
 * bursts of compiling (a new kind of traffic) at most once per {@code minInterval}.
 *
 * <p>Where the command does not exist (not Linux with glibc) the first attempt says so at debug level and nothing
 * more happens.
 */
public final class NativeMemoryTrim implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemoryTrim.class);
    private static final String DIAGNOSTIC_COMMANDS = "com.sun.management:type=DiagnosticCommand";
    private static final String TRIM_COMMAND = "systemTrimNativeHeap";
    /**
     * HotSpot hands the compilers' freed memory (arena chunks it pools) back to malloc only every 5 s of uptime;
     * a trim before that finds little to return.
     */
    static final long ARENA_CLEANING_MILLIS = 5_000;
    private static final long ARENA_CLEANING_MARGIN_MILLIS = 500;
    private static final long NEVER = Long.MIN_VALUE;

    private final LongSupplier compiledMillis;
    private final long minIntervalMillis;
    private final ScheduledExecutorService thread;
    private long seen = NEVER;
    private long trimmedAt = NEVER;
    private long lastTrimUptime = NEVER;

    NativeMemoryTrim(LongSupplier compiledMillis, Duration minInterval, ScheduledExecutorService thread) {
        this.compiledMillis = Objects.requireNonNull(compiledMillis, "compiledMillis");
        this.minIntervalMillis = Objects.requireNonNull(minInterval, "minInterval").toMillis();
        this.thread = Objects.requireNonNull(thread, "thread");
    }

    /**
     * Checks the compilers every {@code quiet} on a daemon thread of its own, and trims once they compiled nothing
     * for that long. Does nothing when the JVM does not report compilation time.
     */
    public static NativeMemoryTrim start(Duration quiet, Duration minInterval) {
        CompilationMXBean compilers = ManagementFactory.getCompilationMXBean();
        if (compilers == null || !compilers.isCompilationTimeMonitoringSupported()) {
            return new NativeMemoryTrim(() -> 0, minInterval, Executors.newSingleThreadScheduledExecutor());
        }
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread daemon = new Thread(task, "patchbay-memory-trim");
            daemon.setDaemon(true);
            daemon.setPriority(Thread.MIN_PRIORITY);
            return daemon;
        });
        NativeMemoryTrim trim = new NativeMemoryTrim(compilers::getTotalCompilationTime, minInterval, thread);
        long every = quiet.toMillis();
        thread.scheduleWithFixedDelay(trim::check, every, every, TimeUnit.MILLISECONDS);
        return trim;
    }

    private void check() {
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        if (!due(uptime)) {
            return;
        }
        try {
            Thread.sleep(untilArenasCleaned(uptime));
            String report = trimNow();
            if (!report.startsWith("Trim native heap")) {
                throw new IllegalStateException(report); // "Not available." where the C library is not glibc
            }
            LOG.debug("Native memory returned: {}", report);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JMException | RuntimeException e) {
            LOG.debug("Native memory not returned, and not tried again: {}", e.toString());
            thread.shutdown();
        }
    }

    /**
     * Whether to trim now, at {@code uptime} ms: the compilers did work since the last trim and nothing since the
     * last check, and the last trim is at least the minimum interval ago. Notes the trim when it says yes.
     */
    boolean due(long uptime) {
        long compiled = compiledMillis.getAsLong();
        boolean quiet = compiled == seen;
        seen = compiled;
        if (!quiet || compiled == trimmedAt
                || lastTrimUptime != NEVER && uptime - lastTrimUptime < minIntervalMillis) {
            return false;
        }
        trimmedAt = compiled;
        lastTrimUptime = uptime;
        return true;
    }

    /** How long from {@code uptime} until the compilers' freed memory has reached malloc. */
    static long untilArenasCleaned(long uptime) {
        return ARENA_CLEANING_MILLIS - uptime % ARENA_CLEANING_MILLIS + ARENA_CLEANING_MARGIN_MILLIS;
    }

    /** Runs the trim; the JVM's report of what it returned. */
    static String trimNow() throws JMException {
        Object report = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMANDS),
                TRIM_COMMAND, new Object[] {new String[0]}, new String[] {String[].class.getName()});
        return String.valueOf(report).strip();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
