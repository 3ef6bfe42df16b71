package io.patchbay.core.catalog;

import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.spi.SecretForms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes one call's secrets, in every {@link SecretForms form}, out of what the call gives back to callers: a
 * failure's message (which API answers show and an account's status keeps) and an action's output. A connector
 * quotes a provider's error text, and a provider may echo a password in it %-encoded or JSON-escaped, where the
 * connector's own scrubbing of the raw value misses it; an action's output may carry a value the provider echoed.
 * The proxy masks its answers the same way.
 */
public final class SecretScrubber {
    /** How deep a cause chain is followed: a chain may loop. */
    private static final int MAX_CAUSES = 20;
    private final List<String> forms;

    private SecretScrubber(List<String> forms) {
        this.forms = forms;
    }

    /** For {@code secrets} as {@link CallSecrets#of} gives them; values shorter than its minimum are left. */
    public static SecretScrubber of(List<String> secrets) {
        return new SecretScrubber(CallSecrets.forms(secrets));
    }

    /** {@code text} with the secrets masked; {@code text} itself when none occurs. */
    public String text(String text) {
        return forms.isEmpty() ? text : CallSecrets.mask(text, forms);
    }

    /**
     * The same failure with the secrets masked in its message and field errors; {@code failure} itself when none
     * occurs. Every type keeps what callers read of it (code, field, provider status, retry delay).
     */
    public ConnectorException failure(ConnectorException failure) {
        String message = text(failure.getMessage());
        List<FieldError> fieldErrors = fieldErrors(failure);
        List<FieldError> maskedErrors = masked(fieldErrors);
        if (message.equals(failure.getMessage()) && maskedErrors.equals(fieldErrors)) {
            return failure;
        }
        if (failure instanceof InvalidCredentials e) {
            return new InvalidCredentials(e.code(), e.field().orElse(null), message);
        }
        if (failure instanceof InsufficientPermissions e) {
            return e.providerStatus().isPresent()
                    ? new InsufficientPermissions(e.code(), message, e.providerStatus().getAsInt())
                    : new InsufficientPermissions(e.code(), message);
        }
        if (failure instanceof ProviderUnavailable e) {
            return new ProviderUnavailable(e.code(), message, e.getCause());
        }
        if (failure instanceof RateLimited e) {
            return new RateLimited(e.code(), message, e.retryAfter(), e.quotaExhausted());
        }
        if (failure instanceof CredentialFormatException) {
            return new CredentialFormatException(maskedErrors);
        }
        if (failure instanceof ProviderRejected e) {
            return new ProviderRejected(e.status(), e.code(), message, maskedErrors);
        }
        if (failure instanceof InputRejected e) {
            return new InputRejected(e.code(), message, maskedErrors);
        }
        throw new IllegalStateException("not a ConnectorException type: " + failure.getClass());
    }

    /**
     * A throwable to log: {@code failure} itself when no message of it, its causes or the exceptions suppressed
     * along them (a failed close) holds a secret, else a copy with the secrets masked in each message, each keeping
     * its class name and stack trace. A chain too deep to read whole is logged as that copy, cut short.
     */
    public Throwable throwable(Throwable failure) {
        return holdsSecret(failure, 0) ? masked(failure, 0) : failure;
    }

    private boolean holdsSecret(Throwable failure, int depth) {
        if (depth > MAX_CAUSES) {
            return true;
        }
        if (failure.getMessage() != null && !text(failure.getMessage()).equals(failure.getMessage())) {
            return true;
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (holdsSecret(suppressed, depth + 1)) {
                return true;
            }
        }
        return failure.getCause() != null && holdsSecret(failure.getCause(), depth + 1);
    }

    private Throwable masked(Throwable failure, int depth) {
        String message = failure.getClass().getName() + (failure.getMessage() == null ? ""
                : ": " + text(failure.getMessage()));
        Throwable cause = failure.getCause() == null || depth >= MAX_CAUSES ? null
                : masked(failure.getCause(), depth + 1);
        Throwable copy = new MaskedThrowable(message, cause);
        copy.setStackTrace(failure.getStackTrace());
        if (depth < MAX_CAUSES) {
            for (Throwable suppressed : failure.getSuppressed()) {
                copy.addSuppressed(masked(suppressed, depth + 1));
            }
        }
        return copy;
    }

    /** Stands for a throwable whose message held a secret; its message starts with that one's class name. */
    private static final class MaskedThrowable extends RuntimeException {
        MaskedThrowable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static List<FieldError> fieldErrors(ConnectorException failure) {
        if (failure instanceof CredentialFormatException e) {
            return e.errors();
        }
        if (failure instanceof ProviderRejected e) {
            return e.fieldErrors();
        }
        return failure instanceof InputRejected e ? e.fieldErrors() : List.of();
    }

    private List<FieldError> masked(List<FieldError> errors) {
        return errors.stream().map(e -> new FieldError(e.field(), e.code(), text(e.message()))).toList();
    }

    /**
     * An action's output (String, Number, Boolean, List, Map or null, nested) with the secrets masked in every
     * string, names included; {@code output} itself when none occurs.
     */
    public Object output(Object output) {
        if (forms.isEmpty()) {
            return output;
        }
        if (output instanceof String text) {
            return text(text);
        }
        if (output instanceof Map<?, ?> map) {
            Map<Object, Object> masked = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object key = output(entry.getKey());
                Object value = output(entry.getValue());
                changed |= key != entry.getKey() || value != entry.getValue();
                masked.put(key, value);
            }
            return changed ? masked : output;
        }
        if (output instanceof List<?> list) {
            List<Object> masked = new ArrayList<>(list.size());
            boolean changed = false;
            for (Object item : list) {
                Object value = output(item);
                changed |= value != item;
                masked.add(value);
            }
            return changed ? masked : output;
        }
        return output;
    }
}
