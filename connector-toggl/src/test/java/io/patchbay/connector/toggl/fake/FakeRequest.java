package io.patchbay.connector.toggl.fake;

import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request {@link FakeToggl} received, as sent: method, path, query, headers (keys lower case) and body.
 *
 * @param query the query parameters, decoded, each with all its values in order
 */
public record FakeRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                          String body) {

    public FakeRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The Basic credentials as {@code [user, password]}, when a well-formed Basic header was sent. */
    public Optional<List<String>> basicAuth() {
        String header = header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(List.of(decoded.substring(0, colon), decoded.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The body parsed as JSON: Map, List, String, Double, Boolean or null. */
    public Object json() {
        if (body.isEmpty()) {
            return null;
        }
        try {
            return new Moshi.Builder().build().adapter(Object.class).fromJson(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body parsed as a JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> jsonObject() {
        return (Map<String, Object>) json();
    }

    /** Method, path and query only: the Authorization header never appears here. */
    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : " " + query);
    }
}
