package io.patchbay.core.plugin;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Where a connector came from: the host class path, or a folder under the connectors directory. */
public record ConnectorSource(Kind kind, Optional<Path> folder) {
    public enum Kind { CLASS_PATH, DIRECTORY }

    public ConnectorSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(folder, "folder");
    }

    public static ConnectorSource classPath() {
        return new ConnectorSource(Kind.CLASS_PATH, Optional.empty());
    }

    public static ConnectorSource directory(Path folder) {
        return new ConnectorSource(Kind.DIRECTORY, Optional.of(folder));
    }

    @Override
    public String toString() {
        return folder.map(f -> "folder " + f).orElse("class path");
    }
}
