package io.patchbay.core.account;

import io.patchbay.spi.FieldError;
import java.util.Optional;

/** The rules for a linked account's label, shared by every place that accepts one. */
public final class Labels {
    /** Longest label accepted, in characters (code points, as JSON Schema's maxLength counts them). */
    public static final int MAX_LENGTH = 200;

    private Labels() {
    }

    /** The problem with a label submitted as {@code field}, if any. */
    public static Optional<FieldError> check(String field, String label) {
        if (label.isBlank()) {
            return Optional.of(new FieldError(field, "blank", field + " must not be blank"));
        }
        if (label.codePointCount(0, label.length()) > MAX_LENGTH) {
            return Optional.of(new FieldError(field, "too_long", field + " is longer than " + MAX_LENGTH + " characters"));
        }
        if (label.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(new FieldError(field, "control_characters", field + " must not contain control characters"));
        }
        return Optional.empty();
    }
}
