package io.patchbay.connector.toggl;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;

/** Entry point found by {@link java.util.ServiceLoader}: the Toggl Track connector. */
public final class TogglConnectorFactory implements ConnectorFactory {

    @Override
    public String id() {
        return TogglConnector.ID;
    }

    @Override
    public Connector create(ConnectorContext context) {
        Objects.requireNonNull(context, "context");
        return new TogglConnector(context, version());
    }

    /** The version in this jar's drop-in descriptor (filtered from the build), so both always agree. */
    static String version() {
        try {
            ClassLoader loader = TogglConnectorFactory.class.getClassLoader();
            for (URL url : Collections.list(loader.getResources(SpiVersion.DESCRIPTOR_PATH))) {
                Properties properties = new Properties();
                try (InputStream in = url.openStream()) {
                    properties.load(in);
                }
                if (TogglConnector.ID.equals(properties.getProperty("id"))) {
                    return properties.getProperty("version", "unknown");
                }
            }
            return "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SpiVersion.DESCRIPTOR_PATH, e);
        }
    }
}
