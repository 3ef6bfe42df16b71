package io.patchbay.spi;

import java.net.URI;
import java.util.Objects;

/** Display metadata of a connector. */
public record ConnectorInfo(String id, String displayName, String description, String version, URI homepage) {
    public ConnectorInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(homepage, "homepage");
    }
}
