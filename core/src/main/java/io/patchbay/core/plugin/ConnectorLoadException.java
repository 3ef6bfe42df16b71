package io.patchbay.core.plugin;

/** A connector folder or jar could not be loaded; the message says which and why. */
public final class ConnectorLoadException extends RuntimeException {
    public ConnectorLoadException(String message) {
        super(message);
    }

    public ConnectorLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
