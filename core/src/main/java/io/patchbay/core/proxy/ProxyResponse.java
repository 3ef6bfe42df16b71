package io.patchbay.core.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The provider's answer as {@link AccountProxy} passes it on: decoded, with the account's secrets masked and the
 * headers that are not the caller's to see removed.
 *
 * @param headers by lower-case name (looked up case-insensitively)
 * @param body    the whole answer, empty for none; not copied, do not change it
 */
public record ProxyResponse(int status, Map<String, List<String>> headers, byte[] body) {
    public ProxyResponse {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Objects.requireNonNull(headers, "headers").forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(body, "body");
    }

    /** The first value of a header, by any spelling of its name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ProxyResponse[" + status + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
    }
}
