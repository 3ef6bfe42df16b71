package io.patchbay.core.plugin;

import io.patchbay.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The descriptor a drop-in connector jar carries at {@value SpiVersion#DESCRIPTOR_PATH}, read without loading any
 * class of the jar.
 */
public record ConnectorDescriptor(String id, String version, int spiMajor, int spiMinor) {
    public ConnectorDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
    }

    public String spiVersion() {
        return spiMajor + "." + spiMinor;
    }

    /** The descriptor of a jar, empty when the jar has none. */
    static Optional<ConnectorDescriptor> read(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry(SpiVersion.DESCRIPTOR_PATH);
            if (entry == null) {
                return Optional.empty();
            }
            Properties properties = new Properties();
            try (InputStream in = file.getInputStream(entry)) {
                properties.load(in);
            } catch (IllegalArgumentException e) {
                // A malformed \\uXXXX escape: this folder is refused, not the whole load.
                throw new ConnectorLoadException("Connector descriptor " + SpiVersion.DESCRIPTOR_PATH + " in " + jar
                        + " cannot be read: " + e.getMessage(), e);
            }
            return Optional.of(parse(properties, jar));
        }
    }

    static ConnectorDescriptor parse(Properties properties, Path jar) {
        String id = required(properties, "id", jar);
        String version = required(properties, "version", jar);
        String spi = required(properties, "spi-version", jar);
        String[] parts = spi.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return new ConnectorDescriptor(id, version, major, minor);
        } catch (NumberFormatException e) {
            throw new ConnectorLoadException("Connector descriptor in " + jar + " has an unreadable spi-version '"
                    + spi + "'; expected MAJOR.MINOR such as " + SpiVersion.CURRENT);
        }
    }

    private static String required(Properties properties, String key, Path jar) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ConnectorLoadException("Connector descriptor " + SpiVersion.DESCRIPTOR_PATH + " in " + jar
                    + " lacks '" + key + "'");
        }
        return value.strip();
    }
}
