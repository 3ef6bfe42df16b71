package io.patchbay.spi;

/** The provider could not be reached or failed (5xx, timeout, connection refused, unreadable answer). */
public final class ProviderUnavailable extends ConnectorException {
    public ProviderUnavailable(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    public ProviderUnavailable(String message, Throwable cause) {
        this("provider_unavailable", message, cause);
    }
}
