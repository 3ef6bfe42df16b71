package io.patchbay.core.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which headers cross the proxy, in each direction. Names are compared in lower case. */
public final class ProxyHeaders {
    /** The headers that describe one connection and so never cross a proxy (RFC 9110 section 7.6.1). */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade");
    /**
     * Request headers that describe the caller's connection to us, or its credentials for us, besides the
     * hop-by-hop ones, the length and the {@link #NOT_FORWARDED_PREFIXES}. {@code Accept-Encoding} is replaced, not
     * removed. {@code Range} and {@code If-Range} too: slices of an answer could each hold a piece of a secret too
     * short to be masked.
     */
    public static final Set<String> NOT_FORWARDED = Set.of("host", "expect", "authorization", "cookie", "forwarded",
            "x-real-ip", "range", "if-range");
    /** Our own headers ({@code Patchbay-Owner-Id}, ...), and what proxies in front of us say about the caller. */
    public static final List<String> NOT_FORWARDED_PREFIXES = List.of("patchbay-", "x-forwarded-");
    /**
     * Request headers by which some servers take a request for another method than its own: the proxy checks the
     * method it sends against the connector's blocked routes, so these are refused, not passed on.
     */
    public static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-http-method",
            "x-method-override");
    /**
     * Response headers that are ours to set, or could hand the caller a provider session; {@code
     * Timing-Allow-Origin} and the {@link #NOT_RETURNED_PREFIXES} are the provider's cross-origin rules, which are not
     * Patchbay's (its own come from its configured origins).
     */
    public static final Set<String> NOT_RETURNED = Set.of("set-cookie", "set-cookie2", "www-authenticate", "server",
            "content-encoding", "timing-allow-origin");
    public static final List<String> NOT_RETURNED_PREFIXES = List.of("access-control-");

    private ProxyHeaders() {
    }

    /**
     * A request header's name as the checks compare it: lower case, and {@code _} read as {@code -}, since servers
     * that map names to variables (CGI and its heirs: {@code HTTP_X_HTTP_METHOD_OVERRIDE}) read {@code X_Foo} as
     * {@code X-Foo}.
     */
    public static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether a provider's response header (lower case) may reach the caller, before the connector's own list. */
    public static boolean returned(String lowerName) {
        if (NOT_RETURNED.contains(lowerName)) {
            return false;
        }
        for (String prefix : NOT_RETURNED_PREFIXES) {
            if (lowerName.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a caller's request header may reach the provider (the account's own headers are set after). */
    public static boolean forwarded(String name) {
        String lower = canonical(name);
        if (NOT_FORWARDED.contains(lower) || HOP_BY_HOP.contains(lower) || lower.equals("content-length")) {
            return false;
        }
        for (String prefix : NOT_FORWARDED_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }
}
