package io.patchbay.spi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The auth methods a connector accepts, the first recommended one being the default. */
public record CredentialSpec(List<AuthMethod> authMethods) {

    // Deliberately simple: one @, no spaces, a dot in the domain. Providers do the real check.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s.]+");

    public CredentialSpec {
        authMethods = List.copyOf(authMethods);
        if (authMethods.isEmpty()) {
            throw new IllegalArgumentException("a credential spec needs at least one auth method");
        }
        Set<String> ids = new HashSet<>();
        for (AuthMethod method : authMethods) {
            if (!ids.add(method.id())) {
                throw new IllegalArgumentException("auth method repeated: " + method.id());
            }
        }
    }

    public static CredentialSpec of(AuthMethod... methods) {
        return new CredentialSpec(List.of(methods));
    }

    public Optional<AuthMethod> method(String id) {
        return authMethods.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public AuthMethod defaultMethod() {
        return authMethods.stream().filter(AuthMethod::recommended).findFirst().orElse(authMethods.get(0));
    }

    /**
     * The generic offline check: known method, no unknown fields, required fields present, no leading or trailing
     * spaces (except in a {@link FieldType#PASSWORD}, which is taken as typed), patterns and emails matched. One
     * error per field; messages never echo the value.
     */
    public List<FieldError> check(Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        Optional<AuthMethod> found = method(credentials.authMethod());
        if (found.isEmpty()) {
            return List.of(new FieldError("auth_method", "unknown_auth_method",
                    "Unknown auth method '" + credentials.authMethod() + "'; expected one of "
                            + authMethods.stream().map(AuthMethod::id).toList()));
        }
        AuthMethod method = found.get();
        List<FieldError> errors = new ArrayList<>();
        for (String key : credentials.keys()) {
            if (method.field(key).isEmpty()) {
                errors.add(new FieldError(key, "unknown_field",
                        "'" + key + "' is not a field of auth method '" + method.id() + "'"));
            }
        }
        for (CredentialField field : method.fields()) {
            String value = credentials.values().get(field.key());
            // A password is free text the user chose: spaces, even at its ends or alone, may be part of it, so
            // only an empty one is missing and it is never told to lose them. Tokens, emails and other text are
            // pasted or typed values where a space at an end is a slip.
            boolean freeText = field.type() == FieldType.PASSWORD;
            if (value == null || (freeText ? value.isEmpty() : value.isBlank())) {
                if (field.required()) {
                    errors.add(new FieldError(field.key(), "required", field.label() + " is required"));
                }
                continue;
            }
            if (!freeText && !value.equals(value.strip())) {
                errors.add(new FieldError(field.key(), "whitespace",
                        field.label() + " has leading or trailing spaces; paste the value alone"));
                continue;
            }
            if (field.type() == FieldType.EMAIL && !EMAIL.matcher(value).matches()) {
                errors.add(new FieldError(field.key(), "email", field.label() + " must be an email address"));
                continue;
            }
            if (field.pattern().isPresent() && !Pattern.compile(field.pattern().get()).matcher(value).matches()) {
                errors.add(new FieldError(field.key(), "pattern", field.label() + " "
                        + field.patternHint().orElse("does not have the expected format")
                        + field.example().map(e -> " (for example " + e + ")").orElse("")));
            }
        }
        return List.copyOf(errors);
    }

    /** Keys of the secret fields of the given method; empty for an unknown method. */
    public Set<String> secretKeys(String authMethod) {
        return keys(authMethod, CredentialField::isSecret);
    }

    /** Keys of the fields whose last characters may be shown as a hint ({@link FieldType#SECRET}). */
    public Set<String> hintedKeys(String authMethod) {
        return keys(authMethod, field -> field.type() == FieldType.SECRET);
    }

    private Set<String> keys(String authMethod, Predicate<CredentialField> which) {
        return method(authMethod).map(m -> {
            Set<String> keys = new HashSet<>();
            m.fields().stream().filter(which).forEach(f -> keys.add(f.key()));
            return Set.copyOf(keys);
        }).orElse(Set.of());
    }
}
