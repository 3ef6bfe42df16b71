package io.patchbay.spi;

import java.util.OptionalInt;

/** The credentials are valid but may not do what was asked (provider 403 on an action, missing admin rights). */
public final class InsufficientPermissions extends ConnectorException {
    private final OptionalInt providerStatus;

    public InsufficientPermissions(String code, String message) {
        super(code, message, null);
        this.providerStatus = OptionalInt.empty();
    }

    /**
     * @param providerStatus the provider's HTTP status (e.g. 403), shown to API callers beside the error
     * @since SPI 1.2
     */
    public InsufficientPermissions(String code, String message, int providerStatus) {
        super(code, message, null);
        if (providerStatus < 100 || providerStatus > 599) {
            throw new IllegalArgumentException("providerStatus: must be an HTTP status, got " + providerStatus);
        }
        this.providerStatus = OptionalInt.of(providerStatus);
    }

    /** The provider's HTTP status, when the connector gave it; empty when the refusal was decided otherwise. */
    public OptionalInt providerStatus() {
        return providerStatus;
    }
}
