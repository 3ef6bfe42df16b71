package io.patchbay.core.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Replaces secrets in a proxied answer with a mask. Bytes are searched as Latin-1 text: one byte per char keeps
 * offsets equal, and {@link String#indexOf(String)} is the JVM's vectorized search. The server's listener and the
 * embedders' proxy both mask through here.
 */
public final class SecretMasking {
    public static final String MASK = "[REDACTED]";

    private SecretMasking() {
    }

    /**
     * What to mask in one account's answers, as Latin-1 views of UTF-8 (see {@link #latin1View(String)}).
     *
     * @param values     secret values, masked wherever they occur
     * @param jsonFields JSON member names, quotes included, whose string values are masked whatever they are
     */
    public record Secrets(List<String> values, List<String> jsonFields) {
        public Secrets {
            values = List.copyOf(values);
            jsonFields = List.copyOf(jsonFields);
        }

        public boolean isEmpty() {
            return values.isEmpty() && jsonFields.isEmpty();
        }

        /** The values as text again, for masking what is logged, which is text rather than bytes. */
        public List<String> texts() {
            return values.stream().map(v -> new String(v.getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8)).toList();
        }

        /** For {@code toString()} of what holds it: how many, never which. */
        @Override
        public String toString() {
            return "Secrets[values=" + values.size() + ", jsonFields=" + jsonFields.size() + "]";
        }
    }

    /** A body with the secrets masked: {@code body} itself when none occurs (the usual case), else a masked copy. */
    public static byte[] mask(byte[] body, Secrets secrets) {
        if (secrets.isEmpty()) {
            return body;
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String masked = maskLatin1(text, secrets);
        return masked == text ? body : masked.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The Latin-1 view of a body with the secrets masked; {@code text} itself when none occurs. */
    public static String maskLatin1(String text, Secrets secrets) {
        // Fields first: a field holding one of the values is then masked once, not copied twice.
        String masked = text;
        for (String field : secrets.jsonFields()) {
            masked = maskJsonField(masked, field);
        }
        return mask(masked, secrets.values());
    }

    /** {@code text} itself when no secret occurs in it; works on Latin-1 views of UTF-8 as on plain text. */
    public static String mask(String text, List<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }

    /**
     * Masks the string value of every member named {@code quotedName} (e.g. {@code "api_token"}); {@code text}
     * itself when there is none. Other values ({@code null}, numbers) are left alone. Not a JSON parser: a name
     * followed by a colon is taken for a member wherever it stands, which at worst masks too much.
     */
    public static String maskJsonField(String text, String quotedName) {
        StringBuilder masked = null;
        int copied = 0;
        for (int at = text.indexOf(quotedName); at >= 0; at = text.indexOf(quotedName, at + 1)) {
            int colon = skipWhitespace(text, at + quotedName.length());
            if (colon == text.length() || text.charAt(colon) != ':') {
                continue;
            }
            int open = skipWhitespace(text, colon + 1);
            if (open == text.length() || text.charAt(open) != '"') {
                continue;
            }
            int close = closingQuote(text, open + 1);
            if (masked == null) {
                masked = new StringBuilder(text.length());
            }
            masked.append(text, copied, open + 1).append(MASK);
            copied = close;
            at = close;
        }
        return masked == null ? text : masked.append(text, copied, text.length()).toString();
    }

    private static int skipWhitespace(String text, int from) {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\n'
                || text.charAt(i) == '\r')) {
            i++;
        }
        return i;
    }

    /** The index of the quote ending a string that starts at {@code from}, past escapes; the end if it never ends. */
    private static int closingQuote(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return text.length();
    }

    /** A secret as the Latin-1 view of its UTF-8 bytes, the form the masking searches for. */
    public static String latin1View(String secret) {
        return new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
