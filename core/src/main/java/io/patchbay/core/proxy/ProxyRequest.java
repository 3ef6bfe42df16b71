package io.patchbay.core.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request an embedder passes through {@link AccountProxy} to an account's provider.
 *
 * @param method  upper case: GET, HEAD, POST, PUT, PATCH or DELETE
 * @param path    below the connector's base URL, without a leading slash, percent-encoded as on the wire (such as
 *                {@code api/v9/me} or {@code data_fields/c::name%20x}); characters beyond ASCII go as UTF-8
 * @param query   the query without {@code ?}, as on the wire ({@code a=1&b=x%20y}); characters a URL cannot hold
 *                raw, such as {@code |} or {@code ë}, are percent-encoded (as UTF-8)
 * @param headers the caller's headers; those that describe the caller (its credentials, cookies, {@code Patchbay-*},
 *                {@code X-Forwarded-*}, hop-by-hop ones) never reach the provider, and the account's own
 *                authentication replaces any the caller set
 * @param body    sent as it is; empty for none
 */
public record ProxyRequest(String method, String path, Optional<String> query, Map<String, List<String>> headers,
                           byte[] body) {
    public ProxyRequest {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(headers, "headers").forEach((name, values) ->
                copy.put(Objects.requireNonNull(name, "header name"), List.copyOf(values)));
        headers = java.util.Collections.unmodifiableMap(copy);
        body = Objects.requireNonNull(body, "body").clone();
    }

    /** A request without query, headers or body, such as {@code ProxyRequest.of("GET", "api/v9/me")}. */
    public static ProxyRequest of(String method, String path) {
        return new ProxyRequest(method, path, Optional.empty(), Map.of(), new byte[0]);
    }

    /** The same request with this query (without {@code ?}). */
    public ProxyRequest withQuery(String rawQuery) {
        Objects.requireNonNull(rawQuery, "rawQuery");
        return new ProxyRequest(method, path, Optional.of(rawQuery), headers, body);
    }

    /** The same request with one more value of a header. */
    public ProxyRequest withHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Map<String, List<String>> more = new LinkedHashMap<>(headers);
        List<String> values = new ArrayList<>(more.getOrDefault(name, List.of()));
        values.add(Objects.requireNonNull(value, "value"));
        more.put(name, values);
        return new ProxyRequest(method, path, query, more, body);
    }

    /** The same request with this body. */
    public ProxyRequest withBody(byte[] value) {
        return new ProxyRequest(method, path, query, headers, Objects.requireNonNull(value, "body"));
    }

    /** The same request with a JSON body and its {@code Content-Type}. */
    public ProxyRequest withJson(String json) {
        Objects.requireNonNull(json, "json");
        return withHeader("Content-Type", "application/json").withBody(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Header names only and the body's length: the caller's headers may hold its own credentials. */
    @Override
    public String toString() {
        return "ProxyRequest[" + method + " " + path + query.map(q -> "?" + q).orElse("") + ", headers="
                + headers.keySet() + ", body=" + body.length + " bytes]";
    }
}
