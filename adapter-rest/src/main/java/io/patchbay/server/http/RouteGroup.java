package io.patchbay.server.http;

import io.javalin.config.RoutesConfig;

/** One feature's routes; the server registers every group before it starts. */
public interface RouteGroup {
    void register(RoutesConfig routes);
}
