package io.patchbay.server.http;

import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.Set;

/** One feature's routes; the server registers every group before it starts. */
public interface RouteGroup {
    void register(RoutesConfig routes);

    /**
     * The query parameters of this group's routes that take any, keyed {@code "METHOD path"} as registered. Every
     * other {@code /v1} route takes none: an unknown parameter is refused, never ignored (see {@link RequestShape}).
     */
    default Map<String, Set<String>> queryParameters() {
        return Map.of();
    }

    /**
     * This group's POST and PUT routes that take no body ({@code "METHOD path"}); GET, HEAD and DELETE routes never
     * take one.
     */
    default Set<String> bodyless() {
        return Set.of();
    }
}
