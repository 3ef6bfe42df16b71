package io.patchbay.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Objects;
import java.util.Properties;

/** Display metadata of a connector. */
public record ConnectorInfo(String id, String displayName, String description, String version, URI homepage) {
    public ConnectorInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(homepage, "homepage");
    }

    /** The resource, beside a connector's classes, where its build writes {@code version=...}. */
    public static final String VERSION_RESOURCE = "connector-version.properties";

    /**
     * The version a connector's build wrote to {@value #VERSION_RESOURCE} in {@code anchor}'s package, or
     * {@code unknown}. Kept beside the classes rather than in {@code META-INF}, so it survives a merged (shaded) jar
     * that holds several connectors.
     */
    public static String buildVersion(Class<?> anchor) {
        try (InputStream in = anchor.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VERSION_RESOURCE + " of " + anchor.getPackageName(), e);
        }
    }
}
