package io.patchbay.core.plugin;

import java.util.Optional;

/** A connector folder or jar could not be loaded; the message says which and why. */
public final class ConnectorLoadException extends RuntimeException {
    private final String connectorId;

    public ConnectorLoadException(String message) {
        this(message, null);
    }

    public ConnectorLoadException(String message, Throwable cause) {
        this(null, message, cause);
    }

    private ConnectorLoadException(String connectorId, String message, Throwable cause) {
        super(message, cause);
        this.connectorId = connectorId;
    }

    /** The id of the connector refused, once its factory told it. */
    public Optional<String> connectorId() {
        return Optional.ofNullable(connectorId);
    }

    /** The same refusal, of the connector with this id. */
    ConnectorLoadException of(String id) {
        ConnectorLoadException known = new ConnectorLoadException(id, getMessage(), getCause());
        known.setStackTrace(getStackTrace());
        return known;
    }
}
