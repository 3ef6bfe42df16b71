package io.patchbay.spi;

/** The provider could not be reached or failed (5xx, timeout, connection refused, unreadable answer). */
public final class ProviderUnavailable extends ConnectorException {
    /**
     * The code of a provider that did not answer within the host's call timeout
     * ({@link ConnectorContext#callTimeout()}, which bounds a whole provider call, retries included). Hosts answer it
     * as a gateway timeout.
     *
     * @since SPI 1.1
     */
    public static final String TIMEOUT = "provider_timeout";

    /**
     * The code of a provider that could not be reached at all (connection refused or reset, name not resolved), the
     * code the host's proxy answers the same failure with.
     *
     * @since SPI 1.2
     */
    public static final String UNREACHABLE = "provider_unreachable";

    public ProviderUnavailable(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    public ProviderUnavailable(String message, Throwable cause) {
        this("provider_unavailable", message, cause);
    }

    /** Whether the provider did not answer in time, rather than failing or being unreachable. */
    public boolean timedOut() {
        return TIMEOUT.equals(code());
    }
}
