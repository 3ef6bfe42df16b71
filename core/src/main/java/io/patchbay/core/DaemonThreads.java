package io.patchbay.core;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads of the hub's own pools: numbered after a prefix, and daemons, so none keeps the host's JVM alive. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** Makes {@code <prefix>1}, {@code <prefix>2}, ... */
    public static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
