package io.patchbay.server.proxy;

import io.patchbay.server.access.Authenticator;
import java.util.Locale;
import java.util.Set;

/** Which headers cross the proxy, in each direction. Names are compared in lower case. */
final class ProxyHeaders {
    /**
     * Request headers that describe the caller's connection to us, or its credentials for us (hop-by-hop ones and
     * the length are dropped for every passed-on message, see {@link io.patchbay.server.edge.HopByHop}).
     */
    static final Set<String> NOT_FORWARDED = Set.of("host", "expect", "authorization",
            "cookie", "accept-encoding", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
            Authenticator.OWNER_HEADER.toLowerCase(Locale.ROOT), Authenticator.TEAM_HEADER.toLowerCase(Locale.ROOT));
    /** Response headers that are ours to set, or could hand the caller a provider session. */
    static final Set<String> NOT_RETURNED = Set.of("set-cookie", "set-cookie2",
            "www-authenticate", "server", "content-encoding");

    private ProxyHeaders() {
    }
}
