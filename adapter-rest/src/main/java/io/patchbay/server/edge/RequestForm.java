package io.patchbay.server.edge;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import java.util.List;

/**
 * What the decoder accepts but the listener does not serve, checked before any route: another HTTP version, a
 * {@code CONNECT}, a missing or repeated {@code Host}, a request target that is not a path. Each gets its own problem
 * here rather than the API server's HTML page. An absolute-form target ({@code GET http://host/path}), which
 * HTTP/1.1 servers must accept (RFC 9112 section 3.2.2), is turned into its path, its authority becoming the Host.
 */
final class RequestForm {
    private static final String ALLOWED = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

    private RequestForm() {
    }

    /** Why the listener refuses {@code request}; null when it serves it (then in origin form). */
    static ApiException refusal(FullHttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return new ApiException(505, "http_version_not_supported", "HTTP version not supported",
                    "The server speaks HTTP/1.1 and HTTP/1.0, not " + version.text());
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            return Problems.methodNotAllowed("CONNECT is not supported: this server is not a forward proxy",
                    ALLOWED);
        }
        String target = request.uri();
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            ApiException absolute = toOriginForm(request, target.indexOf("://") + 3);
            if (absolute != null) {
                return absolute;
            }
        } else if (!target.startsWith("/")) {
            return malformed("The request target must be a path starting with '/'");
        }
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            // The aggregator removed a lone "chunked": what is left names a coding (gzip, ...) nobody decoded, and
            // the body would reach a provider still encoded, under a length that does not say so.
            return malformed("A request body may use the chunked transfer coding only");
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && version.minorVersion() == 1)) {
            return malformed("An HTTP/1.1 request must have exactly one Host header, this one has " + hosts.size());
        }
        return null;
    }

    /** Rewrites an absolute-form target to its path and query; its authority replaces the Host header. */
    private static ApiException toOriginForm(FullHttpRequest request, int authorityStart) {
        String target = request.uri();
        int end = authorityStart;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        String authority = target.substring(authorityStart, end);
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            return malformed("An absolute request target must name a host, and no user information");
        }
        String rest = target.substring(end);
        request.setUri(rest.startsWith("/") ? rest : "/" + rest);
        request.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }

    private static ApiException malformed(String detail) {
        return new ApiException(400, "malformed_request", "Malformed request", detail);
    }
}
