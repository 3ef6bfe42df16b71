package io.patchbay.server.http;

import io.patchbay.core.proxy.SecretMasking;
import java.util.Comparator;
import java.util.List;

/**
 * Masks what may be a provider credential in the path of a proxy request ({@code /v1/accounts/{id}/proxy/<path>})
 * where a log line shows it. The part after {@code /proxy/} is the provider's own path, and providers put tokens in
 * paths (Toggl's shared reports, {@code /reports/api/v3/shared/<token>}, and calendar feeds,
 * {@code /api/v9/ical/workspace_user/<token>}), which the proxy masks in its answers. Two rules, each shown as
 * {@code [REDACTED]}:
 * <ul>
 * <li>the account's own secret values, in every form the answers are masked in, once the account is known;</li>
 * <li>in the provider's part, any run of {@value #MIN_OPAQUE} or more ASCII letters and digits that holds both,
 * between other characters ({@code / . - _ ;} ...): what opaque tokens look like. Ids of digits alone, words, and
 * ids in short hyphenated parts (UUIDs) stay readable.</li>
 * </ul>
 * Patchbay's own part of the path (the account id) is left alone.
 */
public final class ProxyPathMasking {
    static final int MIN_OPAQUE = 20;
    private static final String PREFIX = "/v1/accounts/";
    private static final String MARKER = "/proxy/";

    private ProxyPathMasking() {
    }

    /**
     * {@code path} with {@code secrets} masked; {@code path} itself when none occurs. The opaque tokens are masked
     * where any path is printed for a log line ({@link RequestLog#printable}, {@link #opaque}), once.
     *
     * @param secrets the account's secret values in their forms, as the Latin-1 views of their UTF-8 bytes the proxy
     *                masks answers with (a path's bytes beyond ASCII are read so); empty when the account is not known
     */
    public static String mask(String path, List<String> secrets) {
        if (secrets.stream().noneMatch(path::contains)) {
            return path;
        }
        // Longest first: a form that holds another (the header "Basic+<base64>" holds its base64) goes whole.
        return SecretMasking.mask(path, secrets.stream().sorted(Comparator.comparingInt(String::length).reversed())
                .toList());
    }

    /** A proxy path with its opaque tokens masked; any other path, and one without such tokens, as it is. */
    static String opaque(String path) {
        if (!path.startsWith(PREFIX)) {
            return path;
        }
        int slash = path.indexOf('/', PREFIX.length());
        if (slash < 0 || !path.startsWith(MARKER, slash)) {
            return path;
        }
        StringBuilder masked = null;
        int copied = 0;
        int i = slash + MARKER.length();
        while (i < path.length()) {
            if (!letterOrDigit(path.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            boolean letter = false;
            boolean digit = false;
            for (; i < path.length() && letterOrDigit(path.charAt(i)); i++) {
                boolean isDigit = path.charAt(i) <= '9';
                digit |= isDigit;
                letter |= !isDigit;
            }
            if (i - start >= MIN_OPAQUE && letter && digit) {
                if (masked == null) {
                    masked = new StringBuilder(path.length());
                }
                masked.append(path, copied, start).append(SecretMasking.MASK);
                copied = i;
            }
        }
        return masked == null ? path : masked.append(path, copied, path.length()).toString();
    }

    private static boolean letterOrDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
