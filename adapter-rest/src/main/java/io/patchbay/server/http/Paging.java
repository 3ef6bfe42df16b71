package io.patchbay.server.http;

import com.squareup.moshi.Json;
import io.javalin.http.Context;
import io.patchbay.spi.FieldError;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cursor pagination ({@code limit}, {@code cursor} in; {@code data}, {@code next_cursor} out) and strict query
 * strings: a parameter a route does not know is an error, so a misspelt filter never silently returns everything.
 */
public final class Paging {
    public static final int DEFAULT_LIMIT = 50;
    private static final String CURSOR_PREFIX = "c1:";

    private Paging() {
    }

    /** One page of a list answer. */
    public record PageView(List<?> data, @Json(name = "next_cursor") Optional<String> nextCursor) {
    }

    /** The page request of a list route. */
    public record Request(int limit, Optional<String> after) {
    }

    /**
     * Reads {@code limit} and {@code cursor}, and refuses query parameters other than those and {@code filters}.
     *
     * @throws ApiException 400 naming each bad parameter
     */
    public static Request read(Context ctx, int maxLimit, Set<String> filters) {
        List<FieldError> errors = new ArrayList<>();
        Request request = read(ctx, maxLimit, filters, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalidRequest(errors);
        }
        return request;
    }

    /**
     * As {@link #read(Context, int, Set)}, adding what is wrong to {@code errors} instead, so that a route checking
     * its filters too answers every bad field at once; what is wrong reads as its default.
     */
    public static Request read(Context ctx, int maxLimit, Set<String> filters, List<FieldError> errors) {
        Set<String> allowed = new TreeSet<>(filters);
        allowed.add("limit");
        allowed.add("cursor");
        errors.addAll(checkParameters(ctx, allowed));
        int limit = DEFAULT_LIMIT;
        String rawLimit = ctx.queryParam("limit");
        if (rawLimit != null) {
            String expected = "limit must be a whole number from 1 to " + maxLimit;
            // ASCII digits only: Integer.parseInt also reads other scripts' digits ("٥" as 5).
            if (!rawLimit.matches("[+-]?[0-9]+")) {
                errors.add(new FieldError("limit", "type", expected));
            } else {
                try {
                    limit = Integer.parseInt(rawLimit);
                } catch (NumberFormatException tooManyDigits) {
                    limit = -1;
                }
                if (limit < 1 || limit > maxLimit) {
                    errors.add(new FieldError("limit", "range", expected));
                    limit = DEFAULT_LIMIT;
                }
            }
        }
        Optional<String> after = Optional.empty();
        String cursor = ctx.queryParam("cursor");
        if (cursor != null) {
            after = decode(cursor);
            if (after.isEmpty()) {
                errors.add(new FieldError("cursor", "invalid", "cursor must be a next_cursor value from a previous "
                        + "page of this list"));
            }
        }
        return new Request(limit, after);
    }

    /**
     * Refuses every query parameter, for a route that takes none (its lists, if any, come whole), so a
     * {@code limit} or a misspelt filter is not silently ignored.
     *
     * @throws ApiException 400 naming each parameter
     */
    public static void refuseParameters(Context ctx) {
        List<FieldError> errors = checkParameters(ctx, Set.of());
        if (!errors.isEmpty()) {
            throw ApiException.invalidRequest(errors);
        }
    }

    private static List<FieldError> checkParameters(Context ctx, Set<String> allowed) {
        List<FieldError> errors = new ArrayList<>();
        ctx.queryParamMap().forEach((name, values) -> {
            if (!allowed.contains(name)) {
                errors.add(new FieldError(name, "unknown_parameter", "'" + name + "' is not a query parameter of "
                        + "this route; " + (allowed.isEmpty() ? "it takes none" : "expected " + allowed)));
            } else if (values.size() > 1) {
                errors.add(new FieldError(name, "repeated", "'" + name + "' is given more than once"));
            }
        });
        return errors;
    }

    /** The opaque cursor for "after this id". */
    public static String encode(String lastId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
    }

    static Optional<String> decode(String cursor) {
        try {
            String text = io.patchbay.server.http.Json.strictUtf8(Base64.getUrlDecoder().decode(cursor));
            // Ours hold a generated id; a crafted one with a control character would reach the database.
            if (text.startsWith(CURSOR_PREFIX) && text.length() > CURSOR_PREFIX.length()
                    && !RequestShape.hasControlCharacter(text)) {
                return Optional.of(text.substring(CURSOR_PREFIX.length()));
            }
        } catch (IllegalArgumentException | CharacterCodingException ignored) {
            // not base64 or not UTF-8: reported by the caller
        }
        return Optional.empty();
    }

    /** Pages a list already in memory and ordered by id. */
    public static <T> PageView page(List<T> ordered, java.util.function.Function<T, String> id, Request request) {
        List<T> rest = ordered.stream()
                .filter(item -> request.after().map(a -> id.apply(item).compareTo(a) > 0).orElse(true))
                .toList();
        List<T> page = rest.subList(0, Math.min(request.limit(), rest.size()));
        Optional<String> next = rest.size() > page.size() ? Optional.of(encode(id.apply(page.get(page.size() - 1))))
                : Optional.empty();
        return new PageView(page, next);
    }
}
