package io.patchbay.spi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The forms a secret takes when a provider or a library writes it back: as it is, inside a JSON string (each common
 * writer escapes differently), and inside a URL. Gson escapes a base64 token's {@code =} as the six characters
 * backslash, u, 003d, Go's encoder only {@code <>&}; PHP's escapes {@code /} and non-ASCII characters, in lower-case
 * hex where Jackson uses upper case; every writer escapes a quote in a password. A token echoed in a link (a
 * next-page URL, a redirect) is %-encoded. Masking looks for every form, or a secret with such characters would pass
 * through in the other ones. Connectors scrub the provider's words with it before they quote them in a failure;
 * the host masks every form again in what a call gives back.
 *
 * @since SPI 1.4
 */
public final class SecretForms {
    /** Characters escaped by JSON writers that make their output safe inside HTML: none, Go's, Gson's. */
    private static final List<String> HTML_SAFE = List.of("", "<>&", "<>&='");

    private SecretForms() {
    }

    /** {@code secret} first, then its other forms, without repeats; a secret of letters and digits has only itself. */
    public static List<String> of(String secret) {
        if (secret.chars().allMatch(SecretForms::keptByEveryWriter)) {
            return List.of(secret); // the usual token: nothing to build, on every proxied request
        }
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        for (String htmlSafe : HTML_SAFE) {
            for (int options = 0; options < 8; options++) {
                forms.add(json(secret, htmlSafe, (options & 1) != 0, (options & 2) != 0, (options & 4) != 0));
            }
        }
        String formEncoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(formEncoded);
        String pathEncoded = formEncoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
        forms.add(pathEncoded);
        // JavaScript's encodeURIComponent and Go's PathEscape keep these as they are.
        forms.add(pathEncoded.replace("%21", "!").replace("%27", "'").replace("%28", "(").replace("%29", ")")
                .replace("%2A", "*"));
        for (String encoded : List.copyOf(forms.stream().filter(f -> f.contains("%")).toList())) {
            forms.add(lowerCaseEscapes(encoded));
        }
        return List.copyOf(forms);
    }

    /**
     * The secret inside a JSON string as one writer puts it: quotes, backslashes and control characters always
     * escaped; {@code htmlSafe}'s characters, {@code /} and non-ASCII ones as the options say; hex digits in either
     * case.
     */
    private static String json(String secret, String htmlSafe, boolean slash, boolean asciiOnly, boolean upperHex) {
        StringBuilder out = new StringBuilder(secret.length() + 8);
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '/' -> out.append(slash ? "\\/" : "/");
                default -> {
                    boolean escape = c < 0x20 || c == '\u2028' || c == '\u2029'
                            || htmlSafe.indexOf(c) >= 0 || (asciiOnly && c > 0x7e);
                    if (escape) {
                        String hex = Integer.toHexString(0x10000 | c).substring(1);
                        out.append("\\u").append(upperHex ? hex.toUpperCase(Locale.ROOT) : hex);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Letters, digits, {@code -}, {@code _} and {@code .}: no JSON writer escapes them, no URL encoder either. */
    private static boolean keptByEveryWriter(int c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
    }

    /** {@code %2F} as {@code %2f}: the case of a URL's escapes is the writer's choice. */
    private static String lowerCaseEscapes(String encoded) {
        StringBuilder out = new StringBuilder(encoded);
        for (int at = encoded.indexOf('%'); at >= 0 && at + 2 < encoded.length(); at = encoded.indexOf('%', at + 1)) {
            out.setCharAt(at + 1, Character.toLowerCase(encoded.charAt(at + 1)));
            out.setCharAt(at + 2, Character.toLowerCase(encoded.charAt(at + 2)));
        }
        return out.toString();
    }
}
