package io.patchbay.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One input of an auth method.
 *
 * @param key      the field's key in {@link Credentials}, snake_case
 * @param label    what the connect page shows
 * @param help     where the user finds the value
 * @param type     text, secret, email or password
 * @param required whether the value must be present
 * @param pattern  a full-match regular expression the value must satisfy, if any
 * @param example  a well-formed example value (never a real secret)
 * @param patternHint a human sentence explaining the pattern, used in format errors
 */
public record CredentialField(
        String key, String label, String help, FieldType type, boolean required,
        Optional<String> pattern, Optional<String> example, Optional<String> patternHint) {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");

    public CredentialField {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(example, "example");
        Objects.requireNonNull(patternHint, "patternHint");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("field key must be snake_case: " + key);
        }
        pattern.ifPresent(Pattern::compile);
    }

    public static CredentialField secret(String key, String label, String help) {
        return new CredentialField(key, label, help, FieldType.SECRET, true,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static CredentialField password(String key, String label, String help) {
        return new CredentialField(key, label, help, FieldType.PASSWORD, true,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static CredentialField text(String key, String label, String help) {
        return new CredentialField(key, label, help, FieldType.TEXT, true,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static CredentialField email(String key, String label, String help) {
        return new CredentialField(key, label, help, FieldType.EMAIL, true,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A copy that must fully match {@code regex}; {@code hint} says in words what that means. */
    public CredentialField withPattern(String regex, String exampleValue, String hint) {
        return new CredentialField(key, label, help, type, required,
                Optional.of(regex), Optional.of(exampleValue), Optional.of(hint));
    }

    public CredentialField optional() {
        return new CredentialField(key, label, help, type, false, pattern, example, patternHint);
    }

    /** Sealed at rest and masked wherever it could show. */
    public boolean isSecret() {
        return type == FieldType.SECRET || type == FieldType.PASSWORD;
    }
}
