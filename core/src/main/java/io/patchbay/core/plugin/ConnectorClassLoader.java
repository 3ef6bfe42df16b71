package io.patchbay.core.plugin;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * Child-first loader of one drop-in connector. Its parent is the platform loader, so the connector sees the JDK and
 * its own jars only; the SPI and SLF4J come from the host so that both sides share those types.
 */
final class ConnectorClassLoader extends URLClassLoader {
    private static final String[] SHARED = {"io.patchbay.spi.", "org.slf4j."};

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final ClassLoader host;

    ConnectorClassLoader(String name, URL[] jars, ClassLoader host) {
        super(name, jars, ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : SHARED) {
            if (name.startsWith(prefix)) {
                return host.loadClass(name);
            }
        }
        return super.loadClass(name, resolve);
    }
}
