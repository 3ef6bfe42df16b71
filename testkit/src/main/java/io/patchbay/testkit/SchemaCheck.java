package io.patchbay.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The structural rules of a JSON Schema a host and its callers rely on: valid JSON, {@code type} naming only JSON
 * Schema's seven types, {@code required} naming declared properties. Not a full meta-schema validation: enough to
 * catch a schema a host would reject or a caller could never satisfy.
 */
final class SchemaCheck {
    private static final Set<String> TYPES = Set.of("null", "boolean", "object", "array", "number", "string",
            "integer");
    private static final List<String> SCHEMA_LISTS = List.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final List<String> SCHEMA_MAPS = List.of("properties", "patternProperties", "$defs",
            "definitions", "dependentSchemas");
    private static final List<String> SCHEMAS = List.of("items", "additionalProperties", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties");
    private static final List<String> BRANCHES = List.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else");

    private SchemaCheck() {
    }

    /** What is wrong with an action's input schema: it must describe a JSON object. Empty when nothing is. */
    static List<String> inputProblems(String schema) {
        List<String> problems = new ArrayList<>();
        Object root = parse(schema, problems);
        if (root == null) {
            return problems;
        }
        if (!(root instanceof Map<?, ?> map) || !"object".equals(map.get("type"))) {
            problems.add("the input schema must be an object schema with \"type\":\"object\": an action's input is a "
                    + "JSON object");
        }
        walk(root, "#", Set.of(), problems);
        return problems;
    }

    /** What is wrong with any schema (an action's output). Empty when nothing is. */
    static List<String> problems(String schema) {
        List<String> problems = new ArrayList<>();
        Object root = parse(schema, problems);
        if (root != null) {
            walk(root, "#", Set.of(), problems);
        }
        return problems;
    }

    private static Object parse(String schema, List<String> problems) {
        try {
            return new Json(schema).document();
        } catch (IllegalArgumentException e) {
            problems.add("not valid JSON: " + e.getMessage());
            return null;
        }
    }

    /**
     * @param inherited the property names of the schema a combinator branch belongs to: {@code
     *                  "oneOf":[{"required":["a"]},{"required":["b"]}]} names its parent's properties
     */
    private static void walk(Object node, String at, Set<String> inherited, List<String> problems) {
        if (node instanceof Boolean) {
            return;
        }
        if (!(node instanceof Map<?, ?> schema)) {
            problems.add(at + ": a schema must be an object or a boolean");
            return;
        }
        Object type = schema.get("type");
        if (type != null) {
            List<?> types = type instanceof List<?> list ? list : List.of(type);
            if (types.isEmpty()) {
                problems.add(at + "/type: an empty list allows nothing");
            }
            for (Object t : types) {
                if (!TYPES.contains(t)) {
                    problems.add(at + "/type: '" + t + "' is not a JSON Schema type " + TYPES);
                }
            }
        }
        Set<String> declared = new HashSet<>(inherited);
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            properties.keySet().forEach(k -> declared.add((String) k));
        }
        Object required = schema.get("required");
        if (required != null) {
            if (!(required instanceof List<?> names)) {
                problems.add(at + "/required: must be a list of property names");
            } else {
                for (Object name : names) {
                    if (!(name instanceof String) || !declared.contains(name)) {
                        problems.add(at + "/required: '" + name + "' is not among the properties " + declared);
                    }
                }
            }
        }
        for (String key : SCHEMA_MAPS) {
            Object value = schema.get(key);
            if (value == null) {
                continue;
            }
            if (!(value instanceof Map<?, ?> map)) {
                problems.add(at + "/" + key + ": must be an object of schemas");
                continue;
            }
            map.forEach((name, sub) -> walk(sub, at + "/" + key + "/" + name, Set.of(), problems));
        }
        Set<String> own = Set.copyOf(declared);
        for (String key : SCHEMA_LISTS) {
            Object value = schema.get(key);
            if (value == null) {
                continue;
            }
            if (!(value instanceof List<?> list)) {
                problems.add(at + "/" + key + ": must be a list of schemas");
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), at + "/" + key + "/" + i, BRANCHES.contains(key) ? own : Set.of(), problems);
            }
        }
        for (String key : SCHEMAS) {
            Object value = schema.get(key);
            if (value != null) {
                walk(value, at + "/" + key, BRANCHES.contains(key) ? own : Set.of(), problems);
            }
        }
    }

    /** A small strict JSON reader: objects become maps, arrays lists, numbers doubles. */
    private static final class Json {
        private final String text;
        private int pos;

        Json(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            space();
            if (pos != text.length()) {
                throw fail("unexpected text after the document");
            }
            return value;
        }

        private IllegalArgumentException fail(String why) {
            return new IllegalArgumentException(why + " at character " + pos);
        }

        private void space() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private Object value() {
            space();
            if (pos >= text.length()) {
                throw fail("unexpected end");
            }
            char c = text.charAt(pos);
            if (c == '{') {
                return object();
            }
            if (c == '[') {
                return array();
            }
            if (c == '"') {
                return string();
            }
            for (String word : List.of("true", "false", "null")) {
                if (text.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            try {
                return Double.valueOf(text.substring(start, pos));
            } catch (NumberFormatException e) {
                pos = start;
                throw fail("unexpected '" + c + "'");
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            space();
            if (peek('}')) {
                return map;
            }
            do {
                space();
                if (pos >= text.length() || text.charAt(pos) != '"') {
                    throw fail("expected a member name");
                }
                String key = string();
                space();
                expect(':');
                if (map.containsKey(key)) {
                    throw fail("member '" + key + "' appears twice");
                }
                map.put(key, value());
                space();
            } while (peek(','));
            expect('}');
            return map;
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            space();
            if (peek(']')) {
                return list;
            }
            do {
                list.add(value());
                space();
            } while (peek(','));
            expect(']');
            return list;
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    if (pos >= text.length()) {
                        break;
                    }
                    char e = text.charAt(pos++);
                    switch (e) {
                        case '"', '\\', '/' -> out.append(e);
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            if (pos + 4 > text.length()) {
                                throw fail("short \\u escape");
                            }
                            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> throw fail("bad escape \\" + e);
                    }
                } else if (c < 0x20) {
                    throw fail("control character in a string");
                } else {
                    out.append(c);
                }
            }
            throw fail("unterminated string");
        }

        private boolean peek(char c) {
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw fail("expected '" + c + "'");
            }
        }
    }
}
