package io.patchbay.server.proxy;

import io.patchbay.server.http.ApiException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.ProxyTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxy's URL rules: which requests are proxy requests, and the provider URL each one goes to. Only below the
 * connector's own base URL: absolute URLs, other hosts, dot segments and encoded slashes are refused.
 */
public final class ProxyPaths {
    /** The route as the API documents it. */
    public static final String ROUTE = "/v1/accounts/{account_id}/proxy/<path>";
    private static final String PREFIX = "/v1/accounts/";
    private static final String MARKER = "/proxy/";
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*:");
    /**
     * ASCII characters {@link URI} refuses in a query although clients send them raw; {@code #} too, which would
     * otherwise cut the query short as a fragment.
     */
    private static final String NOT_IN_URI_QUERY = " \"<>\\^`{|}#";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

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

    /** The relative path of a proxy request, checked before anything is looked up. */
    static String checkedRelative(Match match) {
        if (match.accountId().indexOf('%') >= 0) {
            throw badPath("The account id must not be percent-encoded");
        }
        return checkRelative(match.relative());
    }

    /** Refuses anything but a plain relative path: the proxy never leaves the connector's base URL. */
    static String checkRelative(String relative) {
        String lower = relative.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http:") || lower.startsWith("https:") || relative.startsWith("/")
                || SCHEME.matcher(lower).lookingAt()) {
            throw badPath("The proxy path is relative to the connector's base URL; absolute URLs are refused");
        }
        if (relative.contains("\\") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")
                || relative.contains("//")) {
            throw badPath("The proxy path must not contain encoded slashes, backslashes, NUL or empty segments");
        }
        for (String segment : relative.split("/", -1)) {
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw badPath("The proxy path has a malformed percent-encoding");
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                throw badPath("The proxy path must not contain '.' or '..' segments");
            }
            for (int i = 0; i < decoded.length(); i++) {
                if (Character.isISOControl(decoded.charAt(i))) {
                    throw badPath("The proxy path must not contain control characters");
                }
            }
        }
        return relative;
    }

    /** The upstream URL; checked again after parsing so nothing can leave the base URL. */
    static URI target(URI base, String relative, String rawQuery) {
        String baseText = base.toString();
        String query = rawQuery == null ? "" : "?" + encodedQuery(rawQuery);
        String joined = (baseText.endsWith("/") ? baseText : baseText + "/") + relative + query;
        URI uri;
        try {
            uri = new URI(joined);
        } catch (URISyntaxException e) {
            if (e.getIndex() >= joined.length() - query.length()) {
                throw badQuery("The proxy query is not a valid URL part: " + e.getReason());
            }
            throw badPath("The proxy path is not a valid URL part: " + e.getReason());
        }
        String basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        String normalized = uri.normalize().getRawPath();
        if (!uri.getScheme().equals(base.getScheme()) || !uri.getHost().equalsIgnoreCase(base.getHost())
                || uri.getPort() != base.getPort() || uri.getRawUserInfo() != null || normalized == null
                || !(normalized + "/").startsWith(basePath.endsWith("/") ? basePath : basePath + "/")) {
            throw badPath("The proxy path leaves the connector's base URL");
        }
        return uri;
    }

    /**
     * The query as sent, with the characters clients send raw but a URI may not hold (such as the {@code |} of
     * Oneflow's filters, or bytes beyond ASCII) percent-encoded; escapes already there are kept. Control characters
     * (CR, LF, NUL, ...) are refused. The query itself when nothing needs encoding, the usual case.
     */
    static String encodedQuery(String rawQuery) {
        StringBuilder encoded = null;
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw badQuery("The proxy query must not contain control characters");
            }
            // The listener reads the request line one byte per char; anything beyond is not from the wire.
            if (c > 0xff) {
                throw badQuery("The proxy query is not a valid URL part");
            }
            boolean raw = c > 0x7e || NOT_IN_URI_QUERY.indexOf(c) >= 0;
            if (raw && encoded == null) {
                encoded = new StringBuilder(rawQuery.length() + 16).append(rawQuery, 0, i);
            }
            if (raw) {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else if (encoded != null) {
                encoded.append(c);
            }
        }
        return encoded == null ? rawQuery : encoded.toString();
    }

    /**
     * Refuses a request the connector blocks. Paths compare percent-decoded, case-insensitively and without trailing
     * slashes, so no spelling of a blocked route gets through; a {@code {name}} segment of a route stands for any one
     * segment. A blocked GET blocks HEAD too: the provider does the GET's work for a HEAD, and its headers come back.
     */
    static void refuseBlocked(ProxyTarget target, String method, String relative) {
        if (target.blockedRoutes().isEmpty()) {
            return;
        }
        String asMethod = method.equals("HEAD") ? "GET" : method;
        String path = relative.indexOf('%') < 0 ? relative
                : URLDecoder.decode(relative.replace("+", "%2B"), StandardCharsets.UTF_8);
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        path = path.substring(0, end);
        String[] segments = path.split("/", -1);
        for (ProxyTarget.BlockedRoute route : target.blockedRoutes()) {
            if (route.method().equals(asMethod) && matches(route.path(), segments)) {
                throw new ApiException(403, "proxy_route_blocked", "Route blocked", route.method() + " "
                        + route.path() + " is not available through the proxy: " + route.reason());
            }
        }
    }

    private static boolean matches(String route, String[] segments) {
        String[] parts = route.split("/", -1);
        if (parts.length != segments.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            boolean any = ProxyTarget.BlockedRoute.isTemplate(parts[i]) && !segments[i].isEmpty();
            if (!any && !parts[i].equalsIgnoreCase(segments[i])) {
                return false;
            }
        }
        return true;
    }

    private static ApiException badPath(String detail) {
        return ApiException.invalidRequest(List.of(new FieldError("path", "invalid_proxy_path", detail)));
    }

    private static ApiException badQuery(String detail) {
        return ApiException.invalidRequest(List.of(new FieldError("query", "invalid_proxy_query", detail)));
    }
}
