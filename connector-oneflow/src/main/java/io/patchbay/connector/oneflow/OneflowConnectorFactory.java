package io.patchbay.connector.oneflow;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;

/** Entry point found by {@link java.util.ServiceLoader}. */
public final class OneflowConnectorFactory implements ConnectorFactory {
    static final String ID = "oneflow";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Connector create(ConnectorContext context) {
        Objects.requireNonNull(context, "context");
        return new OneflowConnector(context, version());
    }

    /** The version the build wrote into the drop-in descriptor (several connectors may share a class path). */
    private static String version() {
        try {
            for (URL url : Collections.list(OneflowConnectorFactory.class.getClassLoader()
                    .getResources(SpiVersion.DESCRIPTOR_PATH))) {
                Properties descriptor = new Properties();
                try (InputStream in = url.openStream()) {
                    descriptor.load(in);
                }
                if (ID.equals(descriptor.getProperty("id"))) {
                    return descriptor.getProperty("version", "unknown");
                }
            }
        } catch (IOException e) {
            // fall through: the version is informational
        }
        return "unknown";
    }
}
