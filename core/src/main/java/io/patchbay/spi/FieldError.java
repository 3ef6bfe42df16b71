package io.patchbay.spi;

import java.util.Objects;

/**
 * A problem with one input, named by its key.
 *
 * @param field   the field key, e.g. {@code api_token}; {@code auth_method} when the method itself is wrong
 * @param code    a stable machine code: {@code required}, {@code pattern}, {@code email}, {@code unknown_field}, ...
 * @param message a sentence for the user; never contains the submitted value
 */
public record FieldError(String field, String code, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
