package io.patchbay.connector.toggl;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A few JSON Schema (draft 2020-12) building blocks, so the action catalog is data rather than hand-typed text. */
final class Schema {
    private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

    private Schema() {
    }

    /** Key/value pairs in order. */
    static Map<String, Object> props(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static Map<String, Object> object(Map<String, Object> properties, String... required) {
        Map<String, Object> schema = props("type", "object", "properties", properties);
        if (required.length > 0) {
            schema.put("required", List.of(required));
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    static Map<String, Object> id(String description) {
        return props("type", "integer", "minimum", 1, "description", description);
    }

    static Map<String, Object> integer(String description, long minimum) {
        return props("type", "integer", "minimum", minimum, "description", description);
    }

    static Map<String, Object> string(String description, int maxLength) {
        return props("type", "string", "maxLength", maxLength, "description", description);
    }

    /**
     * Characters {@link String#isBlank()} counts as white space ({@link Character#isWhitespace}): a string with any
     * other character is not blank. Written as an explicit class so Java's and ECMAScript's regex engines agree.
     */
    static final String NOT_BLANK = "[^\\u0009-\\u000D\\u001C-\\u0020\\u1680\\u2000-\\u2006\\u2008-\\u200A"
            + "\\u2028\\u2029\\u205F\\u3000]";

    /** A string the code refuses when blank, as {@link Input#text} does for required names. */
    static Map<String, Object> nonBlank(String description, int maxLength) {
        return props("type", "string", "minLength", 1, "maxLength", maxLength, "pattern", NOT_BLANK,
                "description", description);
    }

    static Map<String, Object> integer(String description, long minimum, long maximum) {
        return props("type", "integer", "minimum", minimum, "maximum", maximum, "description", description);
    }

    /** The branches of an {@code anyOf} that holds when at least one of these properties is given. */
    static List<Object> anyRequired(String... properties) {
        return Arrays.stream(properties).<Object>map(p -> props("required", List.of(p))).toList();
    }

    static Map<String, Object> string(String description) {
        return props("type", "string", "description", description);
    }

    static Map<String, Object> dateTime(String description) {
        // 64: the longest date-time Input reads.
        return props("type", "string", "format", "date-time", "maxLength", 64, "description", description);
    }

    static Map<String, Object> date(String description) {
        return props("type", "string", "format", "date", "description", description);
    }

    static Map<String, Object> bool(String description) {
        return props("type", "boolean", "description", description);
    }

    static Map<String, Object> arrayOf(Map<String, Object> items, String description) {
        return props("type", "array", "items", items, "description", description);
    }

    static Map<String, Object> arrayOf(Map<String, Object> items, String description, int maxItems) {
        return props("type", "array", "items", items, "maxItems", maxItems, "description", description);
    }

    static Map<String, Object> enumOf(String description, String... values) {
        return props("type", "string", "enum", List.of(values), "description", description);
    }

    /** The same schema, also allowing JSON null. */
    static Map<String, Object> nullable(Map<String, Object> schema) {
        Map<String, Object> copy = new LinkedHashMap<>(schema);
        Object type = copy.get("type");
        List<Object> types = new ArrayList<>(type instanceof List<?> list ? list : Arrays.asList(type));
        types.add("null");
        copy.put("type", types);
        if (copy.get("enum") instanceof List<?> values) {
            // An enum lists every allowed value: without null in it, the null the type allows would still fail.
            List<Object> withNull = new ArrayList<>(values);
            withNull.add(null);
            copy.put("enum", Collections.unmodifiableList(withNull));
        }
        return copy;
    }

    static String json(Map<String, Object> schema) {
        return JSON.toJson(schema);
    }
}
