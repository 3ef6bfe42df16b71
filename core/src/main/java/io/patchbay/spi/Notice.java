package io.patchbay.spi;

import java.util.Objects;

/**
 * Something the user should know before saving, e.g. "you are not an admin of this workspace". The connector
 * decides the severity: an {@link Severity#ERROR} blocks the link, a {@link Severity#WARNING} is shown and allowed.
 */
public record Notice(Severity severity, String code, String message) {
    public enum Severity { WARNING, ERROR }

    public Notice {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static Notice warning(String code, String message) {
        return new Notice(Severity.WARNING, code, message);
    }

    public static Notice error(String code, String message) {
        return new Notice(Severity.ERROR, code, message);
    }
}
