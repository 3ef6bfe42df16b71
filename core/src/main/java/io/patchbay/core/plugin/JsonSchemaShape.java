package io.patchbay.core.plugin;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Structural checks of an action's input schema, done at load without a JSON Schema library (core depends on none):
 * valid JSON, an object, known {@code type} names, {@code properties} holding schemas, {@code required} naming
 * properties. A host with a full validator may compile the schemas too; these catch what would otherwise surface
 * as a failure on every call of the action.
 */
final class JsonSchemaShape {
    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean",
            "null");

    private JsonSchemaShape() {
    }

    /** What is wrong with {@code schema}, or empty when its shape is sound. */
    static Optional<String> problem(String schema) {
        Object parsed;
        try {
            parsed = new Parser(schema).document();
        } catch (IllegalArgumentException e) {
            return Optional.of("not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            return Optional.of("not a JSON object but " + kind(parsed));
        }
        return check(root, "$");
    }

    private static Optional<String> check(Map<?, ?> schema, String at) {
        Object type = schema.get("type");
        if (type != null) {
            List<?> names = type instanceof List<?> list ? list : List.of(type);
            for (Object name : names) {
                if (!(name instanceof String s) || !TYPES.contains(s)) {
                    return Optional.of(at + ".type: " + describe(name) + " is not a JSON Schema type; one of "
                            + TYPES.stream().sorted().toList());
                }
            }
        }
        Object properties = schema.get("properties");
        if (properties != null && !(properties instanceof Map<?, ?>)) {
            return Optional.of(at + ".properties: must be an object of schemas, got " + kind(properties));
        }
        Map<?, ?> props = properties == null ? Map.of() : (Map<?, ?>) properties;
        for (Map.Entry<?, ?> property : props.entrySet()) {
            String where = at + ".properties." + property.getKey();
            if (property.getValue() instanceof Map<?, ?> sub) {
                Optional<String> problem = check(sub, where);
                if (problem.isPresent()) {
                    return problem;
                }
            } else if (!(property.getValue() instanceof Boolean)) {
                return Optional.of(where + ": must be a schema (an object), got " + kind(property.getValue()));
            }
        }
        Object required = schema.get("required");
        if (required != null) {
            if (!(required instanceof List<?> names)) {
                return Optional.of(at + ".required: must be an array of property names, got " + kind(required));
            }
            for (Object name : names) {
                if (!(name instanceof String s)) {
                    return Optional.of(at + ".required: must list property names (strings), got " + kind(name));
                }
                if (!props.containsKey(s)) {
                    return Optional.of(at + ".required: names '" + s + "', which is not among its properties "
                            + props.keySet());
                }
            }
        }
        Object items = schema.get("items");
        if (items instanceof Map<?, ?> sub) {
            return check(sub, at + ".items");
        }
        if (items != null && !(items instanceof Boolean)) {
            return Optional.of(at + ".items: must be a schema (an object), got " + kind(items));
        }
        return Optional.empty();
    }

    private static String describe(Object value) {
        return value instanceof String s ? "'" + s + "'" : kind(value);
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }

    /** A strict RFC 8259 reader into maps, lists, strings, numbers (as BigDecimal), booleans and null. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            space();
            if (pos < text.length()) {
                throw error("unexpected '" + text.charAt(pos) + "' after the value");
            }
            return value;
        }

        private Object value() {
            space();
            if (pos >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            space();
            if (peek('}')) {
                pos++;
                return map;
            }
            while (true) {
                space();
                if (!peek('"')) {
                    throw error("expected a member name");
                }
                String key = string();
                space();
                expect(':');
                if (map.put(key, value()) != null) {
                    throw error("member '" + key + "' repeated");
                }
                space();
                if (peek(',')) {
                    pos++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            space();
            if (peek(']')) {
                pos++;
                return list;
            }
            while (true) {
                list.add(value());
                space();
                if (peek(',')) {
                    pos++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
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
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
            throw error("unterminated string");
        }

        private BigDecimal number() {
            int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            String n = text.substring(start, pos);
            if (!n.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                pos = start;
                throw error("bad number '" + n + "'");
            }
            return new BigDecimal(n);
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected '" + text.charAt(pos) + "'");
            }
            pos += word.length();
            return value;
        }

        private void space() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + pos);
        }
    }
}
