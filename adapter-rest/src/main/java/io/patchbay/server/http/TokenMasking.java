package io.patchbay.server.http;

import java.util.regex.Pattern;

/**
 * Masks the server's own bearer tokens, API keys ({@code pb_sk_}, admin keys too) and connect session tokens
 * ({@code pb_cs_}), in text that repeats what a client sent: a path in an access line, an id in a problem. A client
 * may percent-encode any of a token's characters ({@code pb%5Fsk%5F...}), once or more ({@code %255F}), and the
 * server decodes the path before it reads an id, so every such form is masked, not only the plain one.
 */
public final class TokenMasking {
    /** {@code %}, itself encoded any number of times ({@code %25}, {@code %2525}). */
    private static final String PERCENT = "%(?:25)*";
    /** A token's characters, plain or encoded: ASCII letters and digits. */
    private static final String BODY = "(?:[A-Za-z0-9]|" + PERCENT + "(?:3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]))+";
    /** The prefixes of {@code access.Tokens}: API keys and connect session tokens. */
    private static final Pattern API_KEY = Pattern.compile(literal("pb_sk_") + BODY);
    private static final Pattern SESSION = Pattern.compile(literal("pb_cs_") + BODY);

    private TokenMasking() {
    }

    /**
     * {@code text} with each token shown as its prefix, in plain form, and {@code ****}: {@code pb_sk_****}, which
     * says which kind of token it was and shows none of its characters.
     */
    public static String mask(String text) {
        if (text.indexOf('%') < 0 && !text.contains("pb_")) {
            return text; // the common case, without a regex
        }
        String masked = API_KEY.matcher(text).replaceAll("pb_sk_****");
        return SESSION.matcher(masked).replaceAll("pb_cs_****");
    }

    /** A pattern for {@code plain} with each character as it is or percent-encoded (either case of hex digit). */
    private static String literal(String plain) {
        StringBuilder pattern = new StringBuilder();
        for (char c : plain.toCharArray()) {
            String hex = String.format("%02X", (int) c);
            pattern.append("(?:").append(c).append('|').append(PERCENT).append(hex.charAt(0)).append('[')
                    .append(hex.charAt(1)).append(Character.toLowerCase(hex.charAt(1))).append("])");
        }
        return pattern.toString();
    }
}
