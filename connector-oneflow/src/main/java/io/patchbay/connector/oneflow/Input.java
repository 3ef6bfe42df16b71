package io.patchbay.connector.oneflow;

import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an action's JSON-like input and collects one error per bad field, so a caller that skipped schema
 * validation still gets specific answers. {@link #done()} throws them all at once, before any request.
 */
final class Input {
    private final String action;
    private final Map<String, Object> values;
    private final List<FieldError> errors = new ArrayList<>();

    Input(String action, Map<String, Object> values, Set<String> allowed) {
        this.action = action;
        this.values = values;
        for (String key : new TreeSet<>(values.keySet())) {
            if (!allowed.contains(key)) {
                errors.add(new FieldError(key, "unknown_field",
                        "'" + key + "' is not an input of " + action + "; expected " + new TreeSet<>(allowed)));
            }
        }
    }

    /** A positive id given as an integer or a string of digits. */
    Optional<Long> id(String key, boolean required) {
        Object value = values.get(key);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(key, "required", key + " is required"));
            }
            return Optional.empty();
        }
        Long id = toLong(value);
        if (id == null || id < 1) {
            errors.add(new FieldError(key, "invalid_id", key + " must be a positive whole number (a Oneflow id)"));
            return Optional.empty();
        }
        return Optional.of(id);
    }

    /** An id that falls back to the linked workspace; required when there is neither. */
    Optional<Long> workspaceId(String key, Optional<String> linked, boolean required) {
        if (values.get(key) != null || linked.isEmpty()) {
            Optional<Long> id = id(key, false);
            if (id.isEmpty() && values.get(key) == null && required) {
                errors.add(new FieldError(key, "required",
                        key + " is required: this account is not linked to a workspace"));
            }
            return id;
        }
        Long id = toLong(linked.get());
        if (id == null || id < 1) {
            errors.add(new FieldError(key, "invalid_id", "the linked workspace id is not a Oneflow id; pass " + key));
            return Optional.empty();
        }
        return Optional.of(id);
    }

    int integer(String key, int min, int max, int fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        Long number = toLong(value);
        if (number == null || number < min || number > max) {
            errors.add(new FieldError(key, "out_of_range",
                    key + " must be a whole number from " + min + " to " + max));
            return fallback;
        }
        return number.intValue();
    }

    Optional<String> text(String key, boolean required, int maxLength) {
        Object value = values.get(key);
        if (value == null || (value instanceof String s && s.isBlank())) {
            if (required) {
                errors.add(new FieldError(key, "required", key + " is required and must not be blank"));
            } else if (value != null) {
                errors.add(new FieldError(key, "blank", key + " must not be blank; leave it out instead"));
            }
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            errors.add(new FieldError(key, "type", key + " must be a string"));
            return Optional.empty();
        }
        if (s.length() > maxLength) {
            errors.add(new FieldError(key, "too_long", key + " must be at most " + maxLength + " characters"));
            return Optional.empty();
        }
        return Optional.of(s);
    }

    Optional<Boolean> bool(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Boolean b) {
            return Optional.of(b);
        }
        errors.add(new FieldError(key, "type", key + " must be true or false"));
        return Optional.empty();
    }

    Optional<String> oneOf(String key, List<String> allowed) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s && allowed.contains(s)) {
            return Optional.of(s);
        }
        errors.add(new FieldError(key, "not_allowed", key + " must be one of " + allowed));
        return Optional.empty();
    }

    /** A list of distinct allowed strings, sent comma-separated. */
    Optional<String> commaList(String key, List<String> allowed) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            errors.add(new FieldError(key, "type", key + " must be a non-empty array of " + allowed));
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (!(item instanceof String s) || !allowed.contains(s)) {
                errors.add(new FieldError(key + "[" + i + "]", "not_allowed", key + " items must be one of " + allowed));
            } else if (items.contains(s)) {
                errors.add(new FieldError(key + "[" + i + "]", "duplicate", key + " lists '" + s + "' twice"));
            } else {
                items.add(s);
            }
        }
        return items.isEmpty() ? Optional.empty() : Optional.of(String.join(",", items));
    }

    Optional<OffsetDateTime> time(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            if (value instanceof String s) {
                return Optional.of(OneflowTime.parse(s));
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new FieldError(key, "time", key + " must be an existing date and time as an RFC 3339 timestamp "
                + "with an offset, for example 2024-05-01T00:00:00Z"));
        return Optional.empty();
    }

    /** Objects given as JSON objects; numbers are normalised so the request body is plain JSON. */
    List<Map<String, Object>> objects(String key, boolean required, int min, int max) {
        Object value = values.get(key);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(key, "required", key + " is required"));
            }
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            errors.add(new FieldError(key, "type", key + " must be an array of objects"));
            return List.of();
        }
        if (list.size() < min || list.size() > max) {
            errors.add(new FieldError(key, "size", key + " must hold " + min + " to " + max + " items"));
            return List.of();
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k instanceof String)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) plain(map);
                objects.add(object);
            } else {
                errors.add(new FieldError(key + "[" + i + "]", "type", key + "[" + i + "] must be an object"));
            }
        }
        return objects;
    }

    Optional<Map<String, Object>> object(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k instanceof String)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) plain(map);
            return Optional.of(object);
        }
        errors.add(new FieldError(key, "type", key + " must be an object"));
        return Optional.empty();
    }

    void error(String field, String code, String message) {
        errors.add(new FieldError(field, code, message));
    }

    /** Throws every collected error as one {@link InputRejected}: nothing is sent to Oneflow. */
    void done() {
        if (!errors.isEmpty()) {
            throw new InputRejected("The input of " + action + " is invalid: "
                    + errors.stream().map(FieldError::field).distinct().toList(), errors);
        }
    }

    static Long toLong(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 63) {
            return big.longValue();
        }
        if (value instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        }
        if (value instanceof String s && s.matches("[0-9]{1,18}")) {
            return Long.parseLong(s);
        }
        return null;
    }

    /** JSON-like values with whole numbers as Long and others as Double, which Moshi writes as plain JSON. */
    static Object plain(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        if (value instanceof Number n) {
            Long whole = toLong(n);
            return whole != null ? (Object) whole : (Object) n.doubleValue();
        }
        return value;
    }
}
