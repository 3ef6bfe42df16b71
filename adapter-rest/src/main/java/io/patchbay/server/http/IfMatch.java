package io.patchbay.server.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code If-Match} precondition (RFC 9110, section 13.1.1): {@code *}, or a list of entity tags compared
 * strongly, so a weak tag ({@code W/"3"}) never matches.
 *
 * @param any        {@code *}: any current representation matches
 * @param strongTags the strong entity tags listed, with their quotes, e.g. {@code "3"}
 */
public record IfMatch(boolean any, List<String> strongTags) {
    public static final String HEADER = "If-Match";

    public IfMatch {
        strongTags = List.copyOf(strongTags);
    }

    /**
     * The request's {@code If-Match}, every field line of it; empty without one.
     *
     * @throws ApiException 400 {@code invalid_precondition} naming the header when it is not {@code *} or a list of
     *                      entity tags
     */
    public static Optional<IfMatch> read(Context ctx) {
        List<String> lines = Collections.list(ctx.req().getHeaders(HEADER));
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(String.join(",", lines)).orElseThrow(() -> new ApiException(400,
                "invalid_precondition", "Invalid precondition", HEADER + " must be * or a comma-separated list of "
                + "entity tags such as \"3\" (the ETag of the account), each in double quotes",
                List.of(new io.patchbay.spi.FieldError(HEADER, "invalid", HEADER + " is not * or a list of entity "
                        + "tags")), Map.of(), Map.of())));
    }

    /** Parses a field value; empty when it is malformed (an empty list included). */
    static Optional<IfMatch> parse(String value) {
        String trimmed = value.strip();
        if (trimmed.equals("*")) {
            return Optional.of(new IfMatch(true, List.of()));
        }
        List<String> strong = new ArrayList<>();
        int tags = 0;
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++; // list separators and optional white space; empty elements are allowed
                continue;
            }
            boolean weak = value.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            if (open >= n || value.charAt(open) != '"') {
                return Optional.empty();
            }
            int close = open + 1;
            while (close < n && value.charAt(close) != '"') {
                if (!etagc(value.charAt(close))) {
                    return Optional.empty();
                }
                close++;
            }
            if (close >= n) {
                return Optional.empty();
            }
            tags++;
            if (!weak) {
                strong.add(value.substring(open, close + 1));
            }
            i = close + 1;
            // After a tag: only white space until the next comma or the end.
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && value.charAt(i) != ',') {
                return Optional.empty();
            }
        }
        return tags == 0 ? Optional.empty() : Optional.of(new IfMatch(false, strong));
    }

    /** {@code etagc = %x21 / %x23-7E / obs-text}. */
    private static boolean etagc(char c) {
        return c == 0x21 || c >= 0x23 && c <= 0x7E || c >= 0x80 && c <= 0xFF;
    }

    /** Whether a resource whose current ETag is {@code currentTag} (strong, quoted) passes. */
    public boolean matches(String currentTag) {
        return any || strongTags.contains(currentTag);
    }

    /** The 412 for a resource whose current ETag is {@code currentTag}, which it carries. */
    public static ApiException failed(String what, String currentTag) {
        // The code a change lost to another writer has always had: the caller's version is stale.
        return new ApiException(412, "stale_version", "Precondition failed", what + " is at ETag "
                + currentTag + ", which " + HEADER + " does not name; reload it and retry", List.of(), Map.of(),
                Map.of("ETag", currentTag));
    }
}
