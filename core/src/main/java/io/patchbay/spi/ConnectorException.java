package io.patchbay.spi;

import java.util.Objects;

/**
 * The typed failures a connector reports. Messages are for users and never contain a secret.
 */
public abstract sealed class ConnectorException extends RuntimeException
        permits InvalidCredentials, InsufficientPermissions, ProviderUnavailable, RateLimited, CredentialFormatException,
        ProviderRejected, InputRejected {

    private final String code;

    protected ConnectorException(String code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause, true, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** A stable machine code, e.g. {@code invalid_credentials}, {@code user_inactive}. */
    public String code() {
        return code;
    }
}
