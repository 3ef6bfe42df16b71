package io.patchbay.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where an authenticated pass-through request goes.
 *
 * @param baseUrl       requests may only go below this URL
 * @param headers       the headers that authenticate the request (contain secrets: never log them)
 * @param strippedResponseHeaders response headers to remove before passing the answer back (lower case)
 */
public record ProxyTarget(URI baseUrl, Map<String, String> headers, Set<String> strippedResponseHeaders) {
    public ProxyTarget {
        Objects.requireNonNull(baseUrl, "baseUrl");
        headers = Map.copyOf(headers);
        strippedResponseHeaders = Set.copyOf(strippedResponseHeaders);
    }

    @Override
    public String toString() {
        return "ProxyTarget[baseUrl=" + baseUrl + ", headers=" + headers.keySet() + "]";
    }
}
