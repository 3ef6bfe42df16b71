package io.patchbay.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.patchbay.spi.FieldError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks, before a matched route runs, what every route would otherwise have to check alike: that the path and
 * query are well-formed percent-encoded UTF-8 (the servlet layer would decode them leniently, replacing bad bytes),
 * that a {@code /v1} route is given only the query parameters it knows (a misspelt filter must not widen a listing),
 * and that a route that takes no body is not sent one (it would be ignored).
 */
public final class RequestShape {
    static final String API_PREFIX = "/v1/";
    /** The decoded query, kept by {@link #checkEncoding} for {@link #check}. */
    private static final String QUERY_ATTRIBUTE = "patchbay.query";

    private final Map<String, Set<String>> parameters;
    private final Set<String> bodyless;

    public RequestShape(List<? extends RouteGroup> groups) {
        Map<String, Set<String>> parameters = new HashMap<>();
        Set<String> bodyless = new HashSet<>();
        for (RouteGroup group : groups) {
            group.queryParameters().forEach((route, names) -> parameters.put(route, Set.copyOf(names)));
            bodyless.addAll(group.bodyless());
        }
        this.parameters = Map.copyOf(parameters);
        this.bodyless = Set.copyOf(bodyless);
    }

    /**
     * For {@code before}, so that every request is checked, one that matches no route too: the query decodes
     * strictly. (Its path was checked by the listener, which relays only well-formed ones.) The decoded query is kept
     * for {@link #check}.
     */
    public static void checkEncoding(Context ctx) {
        ctx.attribute(QUERY_ATTRIBUTE, decodeQuery(ctx.queryString()));
    }

    /** The per-route check, for {@code beforeMatched}, which runs after {@link #checkEncoding}. */
    public void check(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null || !ctx.path().startsWith(API_PREFIX)) {
            return;
        }
        Map<String, List<String>> decoded = ctx.attribute(QUERY_ATTRIBUTE);
        Map<String, List<String>> query = decoded != null ? decoded : decodeQuery(ctx.queryString());
        String method = endpoint.method == HandlerType.HEAD ? "GET" : endpoint.method.name();
        String route = method + " " + endpoint.path;
        // A route that takes parameters reads them with Paging.read, which refuses unknown ones together with its
        // own findings (a bad cursor and a typo in one answer); the others take none.
        if (!parameters.containsKey(route)) {
            List<FieldError> errors = query.keySet().stream().sorted().map(name -> new FieldError(name,
                    "unknown_parameter", "'" + name + "' is not a query parameter of " + route
                    + "; it takes none")).toList();
            if (!errors.isEmpty()) {
                throw ApiException.invalidRequest(errors);
            }
        }
        boolean takesNoBody = method.equals("GET") || method.equals("DELETE") || bodyless.contains(route);
        byte[] body = ctx.bodyAsBytes();
        if (takesNoBody && !emptyBody(body, method)) {
            throw new ApiException(400, "unexpected_body", "Unexpected request body", route
                    + " takes no request body" + (method.equals("POST") || method.equals("PUT")
                    ? " (an empty one or {} at most)" : "") + "; send none", members(body).stream()
                    .map(name -> new FieldError(name, "unknown_field", "'" + name + "' is not a field of this "
                            + "request; it takes none")).toList(), Map.of(), Map.of());
        }
    }

    /** The member names of a body that is a JSON object, to name them; none for anything else. */
    private static List<String> members(byte[] body) {
        try {
            return List.copyOf(Json.parseObject(Json.strictUtf8(body)).keySet());
        } catch (ApiException | CharacterCodingException e) {
            return List.of();
        }
    }

    /** Nothing, or for a POST or PUT an empty JSON object (clients that always send one). */
    private static boolean emptyBody(byte[] body, String method) {
        if (body.length == 0) {
            return true;
        }
        if (!method.equals("POST") && !method.equals("PUT")) {
            return false;
        }
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
        return text.matches("\\{\\s*}");
    }

    /**
     * Refuses a path whose percent-encoding is broken or does not decode to UTF-8.
     *
     * @throws ApiException 400 {@code invalid_encoding}
     */
    public static void checkPath(String rawPath) {
        Optional<String> path = decode(rawPath, false);
        if (path.isEmpty()) {
            throw new ApiException(400, "invalid_encoding", "Invalid encoding", "The request path is not valid "
                    + "percent-encoded UTF-8 (each '%' must be followed by two hex digits, and the bytes must be "
                    + "UTF-8)");
        }
        // No id or name contains one, and the servlet layer would answer %00 with its own HTML page.
        if (hasControlCharacter(path.get())) {
            throw new ApiException(400, "invalid_encoding", "Invalid encoding", "The request path must not contain "
                    + "control characters (%00 to %1F, %7F)");
        }
    }

    /** Whether {@code text} holds a C0 or C1 control character, which no id, label or filter value may contain. */
    public static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }

    /**
     * The query's parameters, each name and value decoded strictly as form data ({@code +} is a space).
     *
     * @throws ApiException 400 {@code invalid_encoding} naming each parameter that does not decode, else 400
     *     {@code invalid_request} naming each parameter with a control character
     */
    public static Map<String, List<String>> decodeQuery(String rawQuery) {
        Map<String, List<String>> parameters = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        List<FieldError> errors = new ArrayList<>();
        List<FieldError> controls = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            Optional<String> name = decode(rawName, true);
            Optional<String> value = equals < 0 ? Optional.of("") : decode(pair.substring(equals + 1), true);
            if (name.isEmpty() || value.isEmpty()) {
                // Named as sent when the name itself does not decode; the value is never shown.
                String shown = name.orElse(rawName);
                errors.add(new FieldError(shown, "invalid_encoding", "Query parameter '" + shown + "' "
                        + (name.isEmpty() ? "has a name" : "has a value") + " that is not valid percent-encoded "
                        + "UTF-8"));
            } else if (hasControlCharacter(name.get()) || hasControlCharacter(value.get())) {
                // Nothing stored holds one, so such a filter could match nothing; a database may even refuse it.
                String shown = hasControlCharacter(name.get()) ? rawName : name.get();
                controls.add(new FieldError(shown, "control_characters", "Query parameter '" + shown + "' must not "
                        + "contain control characters (%00 to %1F, %7F)"));
            } else {
                parameters.computeIfAbsent(name.get(), k -> new ArrayList<>()).add(value.get());
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "invalid_encoding", "Invalid encoding", "The query string is not valid "
                    + "percent-encoded UTF-8 in " + errors.stream().map(FieldError::field).toList()
                    + " (each '%' must be followed by two hex digits, and the bytes must be UTF-8)", errors, Map.of(),
                    Map.of());
        }
        if (!controls.isEmpty()) {
            throw ApiException.invalidRequest(controls);
        }
        return parameters;
    }

    /** Percent-decodes {@code raw} strictly; empty when a {@code %} is not followed by two hex digits, or not UTF-8. */
    static Optional<String> decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return Optional.of(raw);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // Not ASCII in the request target: not percent-encoded as a URI must be.
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Json.strictUtf8(bytes.toByteArray()));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
