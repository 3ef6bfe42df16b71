package io.patchbay.server.http;

import com.squareup.moshi.Json;
import io.javalin.http.Context;
import io.patchbay.core.Ids;
import io.patchbay.spi.FieldError;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cursor pagination ({@code limit}, {@code cursor} in; {@code data}, {@code next_cursor} out) and strict query
 * strings: a parameter a route does not know is an error, so a misspelt filter never silently returns everything.
 */
public final class Paging {
    public static final int DEFAULT_LIMIT = 50;
    /**
     * {@code c2:<list>:<filters hash>:<last id>}, base64url: a cursor names the list and the filters it pages, so
     * one passed to another list, or with other filters, is refused instead of ending the walk or skipping items.
     */
    private static final String CURSOR_PREFIX = "c2:";
    /**
     * The first form, {@code c1:<last id>}, bound to nothing: still read, so a walk begun before an upgrade (or on an
     * instance not yet upgraded) goes on.
     */
    private static final String OLD_CURSOR_PREFIX = "c1:";
    private static final int HASH_BYTES = 12;

    private Paging() {
    }

    /** One page of a list answer. */
    public record PageView(List<?> data, @Json(name = "next_cursor") Optional<String> nextCursor) {
    }

    /**
     * The page request of a list route.
     *
     * @param binding the list and the hash of its filters, which the cursors of its pages carry
     */
    public record Request(int limit, Optional<String> after, String binding) {
        /** The {@code next_cursor} of a page of this list, with these filters, that ends at {@code lastId}. */
        public String cursorAfter(String lastId) {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((CURSOR_PREFIX + binding + ":" + lastId).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads {@code limit} and {@code cursor}, and refuses query parameters other than those and {@code filters}.
     *
     * @param list  the list's name, which its cursors carry (no {@code :})
     * @param idPrefix the prefix of the ids the list holds ({@code acc}), which a cursor's id must have
     * @param scope what else decides the items besides the query's filters (a path's tenant, the end user acted
     *              for): a cursor is refused where any of it, or a filter, differs from the page it came from
     * @throws ApiException 400 naming each bad parameter
     */
    public static Request read(Context ctx, String list, String idPrefix, int maxLimit, Set<String> filters,
                               Map<String, String> scope) {
        List<FieldError> errors = new ArrayList<>();
        Request request = read(ctx, list, idPrefix, maxLimit, filters, scope, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalidRequest(errors);
        }
        return request;
    }

    /**
     * As {@link #read(Context, String, String, int, Set, Map)}, adding what is wrong to {@code errors} instead, so that a
     * route checking its filters too answers every bad field at once; what is wrong reads as its default.
     */
    public static Request read(Context ctx, String list, String idPrefix, int maxLimit, Set<String> filters,
                               Map<String, String> scope, List<FieldError> errors) {
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
        Map<String, String> bound = new TreeMap<>();
        for (String filter : filters) {
            String value = ctx.queryParam(filter);
            if (value != null) {
                bound.put("?" + filter, value);
            }
        }
        scope.forEach((name, value) -> bound.put("@" + name, value));
        String binding = list + ":" + hash(bound);
        Optional<String> after = Optional.empty();
        String cursor = ctx.queryParam("cursor");
        if (cursor != null) {
            after = after(cursor, list, binding, errors);
            // A cut or rebuilt cursor would otherwise page on from wherever its id sorts: a repeated item, or an
            // empty last page that ends the walk early.
            if (after.isPresent() && !Ids.isShaped(idPrefix, after.get())) {
                errors.add(invalidCursor());
                after = Optional.empty();
            }
        }
        return new Request(limit, after, binding);
    }

    /** The id a cursor continues after, when it is one of this list's with these filters; else an error. */
    private static Optional<String> after(String cursor, String list, String binding, List<FieldError> errors) {
        Optional<String> text = decode(cursor);
        if (text.isPresent() && text.get().startsWith(OLD_CURSOR_PREFIX)
                && text.get().length() > OLD_CURSOR_PREFIX.length()) {
            // A walk begun on an instance of the release before, during a rolling upgrade: read as it was, unbound.
            return Optional.of(text.get().substring(OLD_CURSOR_PREFIX.length()));
        }
        // c2:<list>:<hash>:<id>; the id may hold ':' itself.
        String[] parts = text.filter(t -> t.startsWith(CURSOR_PREFIX)).map(t -> t.split(":", 4))
                .filter(p -> p.length == 4 && !p[3].isEmpty()).orElse(null);
        if (parts == null) {
            errors.add(invalidCursor());
            return Optional.empty();
        }
        if (!parts[1].equals(list)) {
            errors.add(new FieldError("cursor", "other_list", "cursor is a next_cursor of another list; pass it "
                    + "only to the list it came from"));
            return Optional.empty();
        }
        if (!(parts[1] + ":" + parts[2]).equals(binding)) {
            errors.add(new FieldError("cursor", "filters_changed", "cursor came from this list with other filters "
                    + "(or for another end user or tenant); repeat the first page's filters, or list again without "
                    + "cursor"));
            return Optional.empty();
        }
        return Optional.of(parts[3]);
    }

    private static FieldError invalidCursor() {
        return new FieldError("cursor", "invalid", "cursor must be a next_cursor value from a previous page of this "
                + "list");
    }

    /** A short, unambiguous digest of the filters: names and values length-prefixed. */
    private static String hash(Map<String, String> bound) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        bound.forEach((name, value) -> {
            for (String part : List.of(name, value)) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                sha256.update(bytes);
            }
        });
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Arrays.copyOf(sha256.digest(), HASH_BYTES));
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
            if (name.isEmpty() && values.stream().allMatch(String::isEmpty)) {
                // An empty pair ("?limit=2&", "?&"), as RequestShape.decodeQuery skips it: no parameter at all.
                return;
            }
            if (!allowed.contains(name)) {
                errors.add(new FieldError(name, "unknown_parameter", "'" + name + "' is not a query parameter of "
                        + "this route; " + (allowed.isEmpty() ? "it takes none" : "expected " + allowed)));
            } else if (values.size() > 1) {
                errors.add(new FieldError(name, "repeated", "'" + name + "' is given more than once"));
            }
        });
        return errors;
    }

    /** A cursor's text, when it is base64url of UTF-8 without control characters. */
    static Optional<String> decode(String cursor) {
        try {
            String text = io.patchbay.server.http.Json.strictUtf8(Base64.getUrlDecoder().decode(cursor));
            // Ours hold a generated id; a crafted one with a control character would reach the database.
            if (!RequestShape.hasControlCharacter(text)) {
                return Optional.of(text);
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
        Optional<String> next = rest.size() > page.size()
                ? Optional.of(request.cursorAfter(id.apply(page.get(page.size() - 1)))) : Optional.empty();
        return new PageView(page, next);
    }
}
