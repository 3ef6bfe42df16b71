package io.patchbay.core.proxy;

import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.ProxyRouteBlockedException;
import io.patchbay.spi.ProxyTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The proxy's URL rules, one implementation for the server's listener and for embedders: a request goes only below
 * the connector's own base URL (absolute URLs, other hosts, dot segments and encoded slashes are refused), and never
 * to a route the connector blocks. Paths and queries are taken as they cross the wire, percent-encoded, one char
 * per byte. Refusals are {@link InvalidInputException}s naming {@code path} or {@code query}, and
 * {@link ProxyRouteBlockedException}.
 */
public final class ProxyRules {
    /** The methods the proxy passes on; HEAD goes to the provider as HEAD. */
    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
    /** Methods sent with a body (an empty one when the caller sent none). */
    public static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    private static final String METHOD_PARAMETER = "_method";
    /** A multipart form's part named {@code _method}. */
    private static final Pattern METHOD_PART = Pattern.compile(
            "content-disposition:[^\r\n]*\\bname\\s*=\\s*\"?_method\"?(?=[;\\s]|$)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*:");
    /**
     * ASCII characters {@link URI} refuses in a query although clients send them raw; {@code #} too, which would
     * otherwise cut the query short as a fragment.
     */
    private static final String NOT_IN_URI_QUERY = " \"<>\\^`{|}#";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ProxyRules() {
    }

    /** Refuses anything but a plain relative path: the proxy never leaves the connector's base URL. */
    public static String checkRelative(String relative) {
        String lower = relative.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http:") || lower.startsWith("https:") || relative.startsWith("/")
                || SCHEME.matcher(lower).lookingAt()) {
            throw badPath("The proxy path is relative to the connector's base URL; absolute URLs are refused");
        }
        if (relative.indexOf('#') >= 0 || relative.indexOf('?') >= 0) {
            // Parsed as a URL they would end the path: what the blocked routes saw would not be what is sent.
            throw badPath("The proxy path must not hold a raw '#' or '?'; percent-encode them (%23, %3F) when "
                    + "they are part of the path");
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
            // Servlet containers drop a segment's ";" parameters before resolving dot segments: "..;" is "..".
            int parameters = decoded.indexOf(';');
            String bare = parameters < 0 ? decoded : decoded.substring(0, parameters);
            if (bare.equals(".") || bare.equals("..")) {
                throw badPath("The proxy path must not contain '.' or '..' segments, with or without ';' "
                        + "parameters");
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
    public static URI target(URI base, String relative, String rawQuery) {
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
        String baseDirectory = basePath.endsWith("/") ? basePath : basePath + "/";
        String normalized = uri.normalize().getRawPath();
        // The path sent must be the one the blocked routes were checked against, character for character.
        if (!uri.getScheme().equals(base.getScheme()) || !uri.getHost().equalsIgnoreCase(base.getHost())
                || uri.getPort() != base.getPort() || uri.getRawUserInfo() != null || normalized == null
                || uri.getRawFragment() != null || !(baseDirectory + relative).equals(uri.getRawPath())
                || !(normalized + "/").startsWith(baseDirectory)) {
            throw badPath("The proxy path leaves the connector's base URL");
        }
        return uri;
    }

    /**
     * The query as sent, with the characters clients send raw but a URI may not hold (such as the {@code |} of
     * Oneflow's filters, or bytes beyond ASCII) percent-encoded; escapes already there are kept. Control characters
     * (CR, LF, NUL, ...) are refused. The query itself when nothing needs encoding, the usual case.
     */
    public static String encodedQuery(String rawQuery) {
        StringBuilder encoded = null;
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw badQuery("The proxy query must not contain control characters");
            }
            // A query read off the wire holds one byte per char; anything beyond is not from the wire.
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
     * Java text as it would cross the wire: characters beyond ASCII as the chars of their UTF-8 bytes (what
     * {@link #encodedQuery} then percent-encodes), so an embedder may pass {@code name=Zoë} as it is.
     */
    static String wireForm(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return text;
    }

    /** A path with the characters beyond ASCII percent-encoded as UTF-8; the path itself when there are none. */
    static String encodedPath(String path) {
        return encodedWirePath(wireForm(path));
    }

    /**
     * A path as read off the wire (one char per byte) with its bytes beyond ASCII percent-encoded, as a URL holds
     * them: a raw {@code café} sent as UTF-8 reaches the provider as {@code caf%C3%A9}, not re-encoded byte by byte.
     * The path itself when there are none, the usual case.
     */
    public static String encodedWirePath(String wire) {
        StringBuilder encoded = null;
        for (int i = 0; i < wire.length(); i++) {
            char c = wire.charAt(i);
            if (c > 0xff) {
                throw badPath("The proxy path is not a valid URL part");
            }
            if (c > 0x7f && encoded == null) {
                encoded = new StringBuilder(wire.length() + 16).append(wire, 0, i);
            }
            if (c > 0x7f) {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else if (encoded != null) {
                encoded.append(c);
            }
        }
        return encoded == null ? wire : encoded.toString();
    }

    /**
     * Refuses a request the connector blocks. Paths compare percent-decoded, case-insensitively, without trailing
     * slashes and without {@code ;} parameters in a segment, so no spelling of a blocked route gets through; a
     * {@code {name}} segment of a route stands for any one segment. A blocked GET blocks HEAD too: the provider does
     * the GET's work for a HEAD, and its headers come back.
     */
    public static void refuseBlocked(ProxyTarget target, String method, String relative) {
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
        for (int i = 0; i < segments.length; i++) {
            // Many servers (servlet containers, for one) drop a segment's ";" parameters before routing.
            int parameters = segments[i].indexOf(';');
            if (parameters >= 0) {
                segments[i] = segments[i].substring(0, parameters);
            }
        }
        for (ProxyTarget.BlockedRoute route : target.blockedRoutes()) {
            if (route.method().equals(asMethod) && matches(route.path(), segments)) {
                throw new ProxyRouteBlockedException(route.method(), route.path(), route.reason());
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

    /**
     * Refuses a request header asking the provider to take the request for another method
     * ({@link ProxyHeaders#METHOD_OVERRIDES}): a blocked {@code DELETE} must not pass as a {@code POST}.
     *
     * @param field how the refusal names the header
     */
    public static void refuseMethodOverride(String headerName, String field) {
        if (ProxyHeaders.METHOD_OVERRIDES.contains(ProxyHeaders.canonical(headerName))) {
            throw InvalidInputException.of(field, "method_override_refused", methodOverrideDetail(headerName));
        }
    }

    /**
     * Refuses a {@code _method} parameter in the query, or in a form body: frameworks (Laravel and Symfony from
     * either, Rails from a form) take a request carrying one for the method it names, as with the override headers.
     *
     * @param rawQuery    the query as sent; null when none
     * @param contentType the request's {@code Content-Type}; null when none
     * @param body        the body as Latin-1 text, asked for only when it is a form
     */
    public static void refuseMethodParameter(String rawQuery, String contentType, Supplier<String> body) {
        if (rawQuery != null && hasMethodParameter(rawQuery)) {
            throw InvalidInputException.of("query", "method_override_refused", methodOverrideDetail("'_method'"));
        }
        String type = contentType == null ? "" : contentType.strip().toLowerCase(Locale.ROOT);
        boolean form = type.startsWith("application/x-www-form-urlencoded") && hasMethodParameter(body.get());
        boolean multipart = type.startsWith("multipart/form-data")
                && METHOD_PART.matcher(body.get()).find();
        if (form || multipart) {
            throw InvalidInputException.of("body", "method_override_refused", methodOverrideDetail("'_method'"));
        }
    }

    private static boolean hasMethodParameter(String formData) {
        for (String parameter : formData.split("&", -1)) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (name.indexOf('%') >= 0 || name.indexOf('+') >= 0) {
                try {
                    name = URLDecoder.decode(name, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    continue; // not a name any framework reads
                }
            }
            // As PHP reads names (Laravel, Symfony): leading spaces dropped, other spaces and dots made '_'.
            if (name.stripLeading().replace(' ', '_').replace('.', '_').equalsIgnoreCase(METHOD_PARAMETER)) {
                return true;
            }
        }
        return false;
    }

    static String methodOverrideDetail(String headerName) {
        return headerName + " would have the provider take the request for another method than the one the proxy "
                + "checked against the connector's blocked routes; send that method itself";
    }

    static InvalidInputException badPath(String detail) {
        return InvalidInputException.of("path", "invalid_proxy_path", detail);
    }

    static InvalidInputException badQuery(String detail) {
        return InvalidInputException.of("query", "invalid_proxy_query", detail);
    }
}
