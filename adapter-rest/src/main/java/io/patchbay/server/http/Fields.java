package io.patchbay.server.http;

import io.javalin.http.Context;
import io.patchbay.spi.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the fields of a parsed JSON object, collecting one error per bad field (missing, wrong type, unknown) so a
 * caller learns everything that is wrong at once. Call {@link #done()} after the last read.
 */
public final class Fields {
    private final Map<String, Object> object;
    private final Set<String> known = new TreeSet<>();
    private final List<FieldError> errors = new ArrayList<>();

    private Fields(Map<String, Object> object) {
        this.object = object;
    }

    /** The request's body, which must be one JSON object in UTF-8. */
    public static Fields ofBody(Context ctx) {
        return new Fields(Json.parseObject(Json.body(ctx)));
    }

    public static Fields of(Map<String, Object> object) {
        return new Fields(object);
    }

    public String requireString(String name) {
        return string(name, true).orElse(null);
    }

    public Optional<String> optionalString(String name) {
        return string(name, false);
    }

    private Optional<String> string(String name, boolean required) {
        Object value = value(name, required, "a string");
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            typeError(name, "a string", value);
            return Optional.empty();
        }
        if (!wellFormed(s)) {
            // Only a \\u escape can make one (the body is strict UTF-8); stored, it would become '?'.
            errors.add(new FieldError(name, "invalid_text", name + " contains an unpaired surrogate (\\u escape)"));
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Whether every UTF-16 surrogate in {@code s} is one half of a pair, as in any text UTF-8 can carry. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    public Optional<Long> optionalLong(String name) {
        Object value = value(name, false, "a whole number");
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Double d && d == Math.rint(d)) {
            errors.add(Json.outOfRange(name));
            return Optional.empty();
        }
        if (!(value instanceof Long l)) {
            typeError(name, "a whole number", value);
            return Optional.empty();
        }
        return Optional.of(l);
    }

    /** An array of strings. */
    public List<String> requireStringList(String name) {
        return stringList(name, true).orElse(List.of());
    }

    public Optional<List<String>> optionalStringList(String name) {
        return stringList(name, false);
    }

    private Optional<List<String>> stringList(String name, boolean required) {
        Object value = value(name, required, "an array of strings");
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> list)) {
            typeError(name, "an array of strings", value);
            return Optional.empty();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof String s) {
                result.add(s);
            } else {
                errors.add(new FieldError(name + "[" + i + "]", "type", name + "[" + i
                        + "] must be a string, not " + Json.kind(list.get(i))));
            }
        }
        return Optional.of(result);
    }

    /** An object whose values are all strings, e.g. credentials. */
    public Map<String, String> requireStringMap(String name) {
        Object value = value(name, true, "an object of strings");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            typeError(name, "an object of strings", value);
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (((String) k).isEmpty() || !wellFormed((String) k)) {
                errors.add(new FieldError(name, "invalid_key", name + " has a member whose name is empty or "
                        + "contains an unpaired surrogate (\\u escape)"));
            } else if (v instanceof String s && !wellFormed(s)) {
                errors.add(new FieldError(name + "." + k, "invalid_text", name + "." + k
                        + " contains an unpaired surrogate (\\u escape)"));
            } else if (v instanceof String s) {
                result.put((String) k, s);
            } else {
                errors.add(new FieldError(name + "." + k, "type", name + "." + k
                        + " must be a string, not " + Json.kind(v)));
            }
        });
        return result;
    }

    /** Adds an error found by the caller's own checks. */
    public Fields error(String name, String code, String message) {
        errors.add(new FieldError(name, code, message));
        return this;
    }

    /**
     * @throws ApiException 400 {@code invalid_request} listing every missing, mistyped and unknown field
     */
    public void done() {
        for (String name : object.keySet()) {
            if (!known.contains(name)) {
                errors.add(new FieldError(name, "unknown_field", "'" + name + "' is not a field of this "
                        + "request; expected " + known));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidRequest(errors);
        }
    }

    /**
     * The member's value, null when absent. An explicit {@code null} is a type error, not "absent": no request
     * member is nullable, and read as absent, {@code {"label": null}} would answer 200 having changed nothing.
     */
    private Object value(String name, boolean required, String expected) {
        known.add(name);
        Object value = object.get(name);
        if (value == null && object.containsKey(name)) {
            typeError(name, expected, null);
            return null;
        }
        if (value == null && required) {
            errors.add(new FieldError(name, "required", name + " is required"));
        }
        return value;
    }

    private void typeError(String name, String expected, Object actual) {
        errors.add(new FieldError(name, "type", name + " must be " + expected + ", not " + Json.kind(actual)));
    }
}
