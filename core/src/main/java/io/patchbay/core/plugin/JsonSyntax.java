package io.patchbay.core.plugin;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a text is one well-formed JSON value (RFC 8259), for the action schemas a connector declares: core has no
 * JSON library, and a schema that is not JSON must refuse its connector at load rather than fail the catalog later.
 */
final class JsonSyntax {
    /** Deeper than any schema needs, and shallow enough that checking cannot overflow the stack. */
    private static final int MAX_DEPTH = 200;

    private final String text;
    private int pos;

    private JsonSyntax(String text) {
        this.text = text;
    }

    /** Why the text is not one JSON value, with the offset where that shows; empty when it is. */
    static Optional<String> problem(String text) {
        Objects.requireNonNull(text, "text");
        JsonSyntax syntax = new JsonSyntax(text);
        try {
            syntax.value(0);
            syntax.whitespace();
            if (syntax.pos < text.length()) {
                throw syntax.error("more text after the JSON value");
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private void value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " levels deep");
        }
        whitespace();
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    number();
                } else {
                    throw error("unexpected character '" + c + "'");
                }
            }
        }
    }

    private void object(int depth) {
        pos++;
        whitespace();
        if (peek('}')) {
            pos++;
            return;
        }
        while (true) {
            whitespace();
            if (!peek('"')) {
                throw error("expected a property name in double quotes");
            }
            string();
            whitespace();
            expect(':');
            value(depth + 1);
            whitespace();
            if (peek(',')) {
                pos++;
            } else {
                expect('}');
                return;
            }
        }
    }

    private void array(int depth) {
        pos++;
        whitespace();
        if (peek(']')) {
            pos++;
            return;
        }
        while (true) {
            value(depth + 1);
            whitespace();
            if (peek(',')) {
                pos++;
            } else {
                expect(']');
                return;
            }
        }
    }

    private void string() {
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                pos--;
                throw error("a control character inside a string");
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                char escaped = text.charAt(pos++);
                if (escaped == 'u') {
                    for (int i = 0; i < 4; i++, pos++) {
                        if (pos >= text.length() || Character.digit(text.charAt(pos), 16) < 0) {
                            throw error("a \\u escape needs four hex digits");
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(escaped) < 0) {
                    pos--;
                    throw error("an unknown escape in a string");
                }
            }
        }
        throw error("a string without its closing quote");
    }

    private void number() {
        if (peek('-')) {
            pos++;
        }
        if (peek('0')) {
            pos++;
        } else if (!digits()) {
            throw error("a number without digits");
        }
        if (peek('.')) {
            pos++;
            if (!digits()) {
                throw error("a number without digits after its '.'");
            }
        }
        if (peek('e') || peek('E')) {
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            if (!digits()) {
                throw error("a number without digits in its exponent");
            }
        }
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private void literal(String word) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        pos += word.length();
    }

    private void whitespace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw pos >= text.length() ? error("unexpected end of text, expected '" + c + "'")
                    : error("expected '" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }
}
