package io.patchbay.core.error;

import java.util.Objects;

/**
 * The proxy refuses a request the account's connector blocks, such as one that would hand out a new credential;
 * the provider never sees it.
 */
public final class ProxyRouteBlockedException extends ForbiddenException {
    public static final String CODE = "proxy_route_blocked";
    private final String method;
    private final String route;
    private final String reason;

    /** @param route the blocked route as the connector declares it, such as {@code api/v9/me/reset_token} */
    public ProxyRouteBlockedException(String method, String route, String reason) {
        super(CODE, method + " " + route + " is not available through the proxy: " + reason);
        this.method = Objects.requireNonNull(method, "method");
        this.route = Objects.requireNonNull(route, "route");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public String method() {
        return method;
    }

    public String route() {
        return route;
    }

    public String reason() {
        return reason;
    }
}
