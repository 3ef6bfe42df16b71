package io.patchbay.connector.toggl;

import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an action's JSON-like input. Each reader records one {@link FieldError} per bad field instead of throwing,
 * so {@link #done()} reports every problem at once, before any request is sent. Messages name the field and the
 * rule, never the submitted value.
 */
final class Input {
    static final String WORKSPACE_ID = "workspace_id";

    private final String action;
    private final Map<String, Object> values;
    private final List<FieldError> errors = new ArrayList<>();

    Input(String action, Map<String, Object> values, Set<String> allowed) {
        this.action = action;
        this.values = values;
        for (String key : new TreeSet<>(values.keySet())) {
            if (!allowed.contains(key)) {
                errors.add(new FieldError(key, "unknown_field",
                        "'" + key + "' is not an input of " + action + "; expected one of " + new TreeSet<>(allowed)));
            }
        }
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    /** A Toggl id: a positive whole number, given as a number or a string of digits. */
    Optional<Long> id(String key, boolean required) {
        Object value = values.get(key);
        if (value == null) {
            if (required) {
                error(key, "required", key + " is required");
            }
            return Optional.empty();
        }
        Long id = toLong(value);
        if (id == null || id < 1) {
            error(key, "invalid_id", key + " must be a positive whole number (a Toggl id)");
            return Optional.empty();
        }
        return Optional.of(id);
    }

    /** {@code workspace_id} from the input, else the linked account's workspace; required when there is neither. */
    Optional<Long> workspaceId(Optional<String> linked) {
        if (has(WORKSPACE_ID) || linked.isEmpty()) {
            Optional<Long> id = id(WORKSPACE_ID, false);
            if (!has(WORKSPACE_ID)) {
                error(WORKSPACE_ID, "required", WORKSPACE_ID + " is required: this account is not linked to a workspace");
            }
            return id;
        }
        Long id = toLong(linked.get());
        if (id == null || id < 1) {
            error(WORKSPACE_ID, "invalid_id", "the linked workspace is not a Toggl workspace id; pass " + WORKSPACE_ID);
            return Optional.empty();
        }
        return Optional.of(id);
    }

    Optional<String> text(String key, boolean required, int maxLength) {
        Object value = values.get(key);
        if (value == null) {
            if (required) {
                error(key, "required", key + " is required");
            }
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            error(key, "type", key + " must be a string");
            return Optional.empty();
        }
        if (required && text.isBlank()) {
            error(key, "blank", key + " must not be blank");
            return Optional.empty();
        }
        if (text.length() > maxLength) {
            error(key, "too_long", key + " must be at most " + maxLength + " characters");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    Optional<String> oneOf(String key, Set<String> allowed) {
        Optional<String> text = text(key, false, 64);
        if (text.isPresent() && !allowed.contains(text.get())) {
            error(key, "enum", key + " must be one of " + new TreeSet<>(allowed));
            return Optional.empty();
        }
        return text;
    }

    Optional<Boolean> bool(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Boolean flag)) {
            error(key, "type", key + " must be true or false");
            return Optional.empty();
        }
        return Optional.of(flag);
    }

    /** An RFC 3339 date-time with seconds and an offset, e.g. {@code 2025-03-01T09:00:00+01:00}. */
    Optional<Instant> dateTime(String key, boolean required) {
        Optional<String> text = text(key, required, 64);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> instant = TogglTime.tryParse(text.get());
        if (instant.isEmpty()) {
            error(key, "date_time", key + " must be an existing date and time in RFC 3339 form, with seconds and "
                    + "an offset, e.g. 2025-03-01T09:00:00Z");
        }
        return instant;
    }

    /** An RFC 3339 full-date, {@code YYYY-MM-DD}. */
    Optional<LocalDate> date(String key, boolean required) {
        Optional<String> text = text(key, required, 16);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<LocalDate> date = TogglTime.tryParseDate(text.get());
        if (date.isEmpty()) {
            error(key, "date", key + " must be an existing date as YYYY-MM-DD, e.g. 2025-03-01");
        }
        return date;
    }

    Optional<Long> wholeNumber(String key, long min, long max) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        Long number = toLong(value);
        if (number == null || number < min || number > max) {
            error(key, "out_of_range", key + " must be a whole number from " + min + " to " + max);
            return Optional.empty();
        }
        return Optional.of(number);
    }

    Optional<List<Long>> ids(String key, int maxItems) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> list) || list.size() > maxItems) {
            error(key, "type", key + " must be a list of at most " + maxItems + " Toggl ids");
            return Optional.empty();
        }
        List<Long> ids = new ArrayList<>();
        for (Object item : list) {
            Long id = item == null ? null : toLong(item);
            if (id == null || id < 1) {
                error(key, "invalid_id", key + " must contain only positive whole numbers (Toggl ids)");
                return Optional.empty();
            }
            ids.add(id);
        }
        return Optional.of(List.copyOf(ids));
    }

    Optional<List<String>> texts(String key, int maxItems, int maxLength) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> list) || list.size() > maxItems) {
            error(key, "type", key + " must be a list of at most " + maxItems + " strings");
            return Optional.empty();
        }
        List<String> texts = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String text) || text.isBlank() || text.length() > maxLength) {
                error(key, "invalid_item", key + " must contain only non-blank strings of at most " + maxLength
                        + " characters");
                return Optional.empty();
            }
            texts.add(text);
        }
        return Optional.of(List.copyOf(texts));
    }

    /** Whether no problem has been recorded so far. */
    boolean valid() {
        return errors.isEmpty();
    }

    void error(String field, String code, String message) {
        errors.add(new FieldError(field, code, message));
    }

    /** Throws every recorded problem as one {@link InputRejected}: nothing is sent to Toggl. */
    void done() {
        if (!errors.isEmpty()) {
            throw new InputRejected("The input of " + action + " is invalid: "
                    + String.join("; ", errors.stream().map(FieldError::message).toList()), errors);
        }
    }

    private static Long toLong(Object value) {
        try {
            if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                return ((Number) value).longValue();
            }
            if (value instanceof BigInteger big) {
                return big.longValueExact();
            }
            if (value instanceof BigDecimal decimal) {
                return decimal.longValueExact();
            }
            if (value instanceof Double || value instanceof Float) {
                double number = ((Number) value).doubleValue();
                return Double.isFinite(number) && number == Math.rint(number) && Math.abs(number) < 9.0e15
                        ? (long) number : null;
            }
            if (value instanceof String text && text.matches("[0-9]{1,18}")) {
                return Long.parseLong(text);
            }
        } catch (ArithmeticException e) {
            return null;
        }
        return null;
    }
}
