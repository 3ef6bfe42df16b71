package io.patchbay.core;

import io.patchbay.spi.FieldError;
import java.util.Optional;

/**
 * The rules every text a caller gives (an id, a label, a key's name) shares, so one mistake gets one error code
 * wherever it is made: {@code blank}, {@code too_long}, {@code control_characters}.
 */
public final class Texts {
    private Texts() {
    }

    /**
     * Whether {@code text} shows nothing: empty, or only Unicode whitespace (U+00A0 and U+3000 included) and invisible
     * format characters (U+200B, U+FEFF), which would look blank wherever the text is shown.
     */
    public static boolean isBlank(String text) {
        return text.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT);
    }

    /** The problem with {@code text}, submitted as {@code field}, if any; length in code points, as people count. */
    public static Optional<FieldError> check(String field, String text, int maxLength) {
        if (isBlank(text)) {
            return Optional.of(new FieldError(field, "blank", field + " must not be blank"));
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            return Optional.of(new FieldError(field, "too_long", field + " is longer than " + maxLength
                    + " characters"));
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(new FieldError(field, "control_characters", field
                    + " must not contain control characters"));
        }
        return Optional.empty();
    }
}
