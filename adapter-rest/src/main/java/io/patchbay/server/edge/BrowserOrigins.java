package io.patchbay.server.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.patchbay.server.http.CrossOrigin;
import java.util.Set;

/**
 * The web origins whose pages may read the server's answers ({@code PATCHBAY_CORS_ALLOWED_ORIGINS}). The API server
 * answers them itself ({@link CrossOrigin}); the listener gives its own refusals (a body too large, the API server
 * unavailable) the same headers, so such a page reads the problem instead of a network error.
 *
 * @param origins exact origins, as browsers send them
 */
public record BrowserOrigins(Set<String> origins) {
    public static final BrowserOrigins NONE = new BrowserOrigins(Set.of());
    private static final String EXPOSED = String.join(", ", CrossOrigin.EXPOSED_HEADERS);

    public BrowserOrigins {
        origins = Set.copyOf(origins);
    }

    /** Lets the page that sent {@code request} read {@code answer}, when its origin is listed. */
    void allow(HttpHeaders request, HttpHeaders answer) {
        if (origins.isEmpty()) {
            return;
        }
        String origin = request.get(HttpHeaderNames.ORIGIN);
        if (origin != null && origins.contains(origin) && !answer.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            answer.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            answer.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
            answer.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        }
    }
}
