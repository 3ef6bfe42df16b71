package io.patchbay.spi;

import java.util.Optional;

/**
 * The provider rejected the credentials: wrong token, wrong password, unknown or inactive user. {@link #field()}
 * names the input to fix when the connector knows it.
 */
public final class InvalidCredentials extends ConnectorException {
    private final String field;

    public InvalidCredentials(String code, String field, String message) {
        super(code, message, null);
        this.field = field;
    }

    public InvalidCredentials(String message) {
        this("invalid_credentials", null, message);
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
