package io.patchbay.server.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code If-Match} precondition (RFC 9110, section 13.1.1): {@code *}, or a list of entity tags compared
 * strongly, so a weak tag ({@code W/"3"}) never matches. Also an {@code If-None-Match} (section 13.1.2), which has
 * the same syntax and compares weakly.
 *
 * @param any        {@code *}: any current representation matches
 * @param strongTags the strong entity tags listed, with their quotes, e.g. {@code "3"}
 * @param opaqueTags every entity tag listed, weak ones without their {@code W/}, for weak comparison
 */
public record IfMatch(boolean any, List<String> strongTags, List<String> opaqueTags) {
    public static final String HEADER = "If-Match";
    public static final String NONE_MATCH = "If-None-Match";

    public IfMatch {
        strongTags = List.copyOf(strongTags);
        opaqueTags = List.copyOf(opaqueTags);
    }

    /**
     * The request's {@code If-None-Match}, every field line of it; empty without one.
     *
     * @throws ApiException 400 {@code invalid_precondition} naming the header when it is not {@code *} or a list of
     *                      entity tags
     */
    public static Optional<IfMatch> readNoneMatch(Context ctx) {
        List<String> lines = Collections.list(ctx.req().getHeaders(NONE_MATCH));
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(String.join(",", lines)).orElseThrow(() -> invalid(NONE_MATCH, NONE_MATCH
                + " must be * or a comma-separated list of entity tags such as \"3\" or W/\"3\"")));
    }

    /** Whether a resource whose current ETag is {@code currentTag} (strong, quoted) is named, weak tags included. */
    public boolean matchesWeakly(String currentTag) {
        return any || opaqueTags.contains(currentTag);
    }

    static ApiException invalid(String header, String detail) {
        return new ApiException(400, "invalid_precondition", "Invalid precondition", detail,
                List.of(new io.patchbay.spi.FieldError(header, "invalid", header + " is not * or a list of entity "
                        + "tags")), Map.of(), Map.of());
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
        return Optional.of(parse(String.join(",", lines)).orElseThrow(() -> invalid(HEADER, HEADER + " must be * "
                + "or a comma-separated list of entity tags such as \"3\" (the ETag of the account), each in double "
                + "quotes")));
    }

    /** Parses a field value; empty when it is malformed (an empty list included). */
    static Optional<IfMatch> parse(String value) {
        String trimmed = value.strip();
        if (trimmed.equals("*")) {
            return Optional.of(new IfMatch(true, List.of(), List.of()));
        }
        List<String> strong = new ArrayList<>();
        List<String> opaque = new ArrayList<>();
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
            opaque.add(value.substring(open, close + 1));
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
        return opaque.isEmpty() ? Optional.empty() : Optional.of(new IfMatch(false, strong, opaque));
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
