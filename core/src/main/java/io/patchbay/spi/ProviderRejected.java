package io.patchbay.spi;

import java.util.List;

/**
 * The provider refused a request for a reason other than auth or rate: not found, validation failure, conflict.
 *
 * @see #status() the provider's HTTP status
 */
public final class ProviderRejected extends ConnectorException {
    private final int status;
    private final List<FieldError> fieldErrors;

    public ProviderRejected(int status, String code, String message, List<FieldError> fieldErrors) {
        super(code, message, null);
        this.status = status;
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    public ProviderRejected(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public int status() {
        return status;
    }

    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }
}
