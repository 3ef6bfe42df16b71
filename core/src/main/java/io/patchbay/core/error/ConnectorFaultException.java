package io.patchbay.core.error;

import java.util.Objects;

/**
 * A connector broke its contract (it gave the host no answer, failed with an exception the SPI does not define, or
 * asked for something the host never does): the connector's fault, neither the caller's nor the provider's. The
 * core has logged it, naming the connector; the message names the connector and the operation, never a secret.
 */
public final class ConnectorFaultException extends PatchbayException {
    /** The connector returned no result, or failed with an exception that is not one of the SPI's. */
    public static final String FAILED = "connector_failed";
    /** The proxy target lies outside the connector's own base URL; nothing was sent. */
    public static final String PROXY_TARGET_INVALID = "connector_proxy_target_invalid";

    private final String connectorId;

    public ConnectorFaultException(String code, String connectorId, String message, Throwable cause) {
        super(code, message, cause);
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
    }

    public String connectorId() {
        return connectorId;
    }
}
