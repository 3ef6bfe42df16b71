package io.patchbay.spi;

import java.util.List;

/**
 * The connector refused a call's input itself, by a rule of its own: a value the provider would refuse or silently
 * get wrong, fields that do not go together (checked before anything is sent), or a limit of the connector's own
 * (a file larger than it returns). Each problem names its field. Unlike {@link ProviderRejected}, the refusal is
 * not the provider's, so there is no provider status.
 *
 * @since SPI 1.1
 */
public final class InputRejected extends ConnectorException {
    /** The code of most refusals: the input does not satisfy the action's rules. */
    public static final String INVALID_INPUT = "invalid_input";

    private final List<FieldError> fieldErrors;

    /**
     * @param fieldErrors at least one: a refusal that names no field leaves the caller guessing
     */
    public InputRejected(String code, String message, List<FieldError> fieldErrors) {
        super(code, message, null);
        this.fieldErrors = List.copyOf(fieldErrors);
        if (this.fieldErrors.isEmpty()) {
            throw new IllegalArgumentException("an input refusal names at least one field");
        }
    }

    public InputRejected(String message, List<FieldError> fieldErrors) {
        this(INVALID_INPUT, message, fieldErrors);
    }

    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }
}
