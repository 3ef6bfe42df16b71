package io.patchbay.spi;

import java.util.List;

/** The credentials are malformed; thrown when a caller skips {@link Connector#checkFormat}. */
public final class CredentialFormatException extends ConnectorException {
    private final List<FieldError> errors;

    public CredentialFormatException(List<FieldError> errors) {
        super("invalid_format", "Credentials are malformed: " + errors.stream().map(FieldError::field).toList(), null);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
