package io.patchbay.core.error;

import io.patchbay.spi.FieldError;
import java.util.List;

/** The input is wrong; {@link #errors()} names each bad field and why. */
public final class InvalidInputException extends PatchbayException {
    private final List<FieldError> errors;

    public InvalidInputException(List<FieldError> errors) {
        super("invalid_input", "Invalid input: " + errors.stream().map(e -> e.field() + " (" + e.code() + ")").toList());
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid input has at least one field error");
        }
        this.errors = List.copyOf(errors);
    }

    public static InvalidInputException of(String field, String code, String message) {
        return new InvalidInputException(List.of(new FieldError(field, code, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
