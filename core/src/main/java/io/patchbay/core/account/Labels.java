package io.patchbay.core.account;

import io.patchbay.core.Texts;
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
        return Texts.check(field, label, MAX_LENGTH);
    }
}
