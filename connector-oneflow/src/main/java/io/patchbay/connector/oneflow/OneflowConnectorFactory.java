package io.patchbay.connector.oneflow;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    /** The build's version, kept beside this class so that merged (shaded) jars keep one per connector. */
    static String version() {
        try (InputStream in = OneflowConnectorFactory.class.getResourceAsStream("connector-version.properties")) {
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
