package io.patchbay.core.catalog;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs connector code with the thread's context class loader set to the connector's own: a drop-in connector shares
 * only the SPI and SLF4J with the host, and libraries that look classes up through the context loader (service
 * loaders, JSON and XML factories) must not reach Patchbay's classes instead of the connector's.
 */
public final class ContextClassLoader {
    private ContextClassLoader() {
    }

    /** The result of {@code work}, run with {@code loader} as the context class loader; the previous one after. */
    public static <T> T using(ClassLoader loader, Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
