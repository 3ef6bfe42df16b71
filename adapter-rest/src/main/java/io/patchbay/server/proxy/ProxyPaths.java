package io.patchbay.server.proxy;

import io.patchbay.core.proxy.ProxyRules;
import io.patchbay.server.http.ApiException;
import io.patchbay.spi.FieldError;
import java.util.List;
import java.util.Optional;

/**
 * Which requests to the listener are proxy requests, and their parts. The rules for where they may go (only below
 * the connector's own base URL, no blocked route) are the core's {@link ProxyRules}, which embedders use too.
 */
public final class ProxyPaths {
    /** The route as the API documents it. */
    public static final String ROUTE = "/v1/accounts/{account_id}/proxy/<path>";
    private static final String PREFIX = "/v1/accounts/";
    private static final String MARKER = "/proxy/";

    private ProxyPaths() {
    }

    /**
     * A proxy request's parts, still percent-encoded as the caller sent them.
     *
     * @param relative the path after {@code /proxy/}, unchecked
     * @param rawQuery the query without {@code ?}, if any
     */
    public record Match(String accountId, String relative, Optional<String> rawQuery) {
    }

    /** The parts of a request target (origin form, as sent) when it is a proxy request. */
    public static Optional<Match> match(String requestTarget) {
        if (!requestTarget.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int question = requestTarget.indexOf('?');
        String path = question < 0 ? requestTarget : requestTarget.substring(0, question);
        int slash = path.indexOf('/', PREFIX.length());
        if (slash <= PREFIX.length() || !path.startsWith(MARKER, slash)) {
            return Optional.empty();
        }
        return Optional.of(new Match(path.substring(PREFIX.length(), slash), path.substring(slash + MARKER.length()),
                question < 0 ? Optional.empty() : Optional.of(requestTarget.substring(question + 1))));
    }

    /**
     * The relative path of a proxy request, its raw bytes beyond ASCII percent-encoded, checked
     * ({@link ProxyRules#checkRelative}) before any look-up.
     */
    static String checkedRelative(Match match) {
        if (match.accountId().indexOf('%') >= 0) {
            throw badPath("The account id must not be percent-encoded");
        }
        return ProxyRules.checkRelative(ProxyRules.encodedWirePath(match.relative()));
    }

    private static ApiException badPath(String detail) {
        return ApiException.invalidRequest(List.of(new FieldError("path", "invalid_proxy_path", detail)));
    }
}
