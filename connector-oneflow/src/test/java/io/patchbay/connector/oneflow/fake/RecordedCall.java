package io.patchbay.connector.oneflow.fake;

import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request the fake received, as sent: method, path, decoded query, headers (lower-case names) and body.
 *
 * @param path the encoded path, e.g. {@code /v1/contracts/51874/data_fields/c::employee_name}
 */
public record RecordedCall(String method, String path, Map<String, String> query, Map<String, String> headers,
                           String body) {
    public RecordedCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** A header by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A decoded query parameter, or null. */
    public String query(String name) {
        return query.get(name);
    }

    /** The path below {@code /v1}, e.g. {@code /contracts/51874}. */
    public String apiPath() {
        return path.startsWith("/v1") ? path.substring(3) : path;
    }

    /** The body parsed as a JSON object. */
    public Map<String, Object> json() {
        try {
            Map<String, Object> parsed = new Moshi.Builder().build()
                    .<Map<String, Object>>adapter(Types.newParameterizedType(Map.class, String.class, Object.class))
                    .fromJson(body);
            return parsed == null ? Map.of() : parsed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        // Test output may show recorded calls; the token header is the one value never shown.
        return method + " " + path + " " + query + " headers=" + headers.keySet();
    }
}
