package io.patchbay.connector.toggl;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    /** The build's version, kept beside this class so that merged (shaded) jars keep one per connector. */
    static String version() {
        try (InputStream in = TogglConnectorFactory.class.getResourceAsStream("connector-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read connector-version.properties", e);
        }
    }
}
