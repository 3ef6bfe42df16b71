package io.patchbay.spi;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where an authenticated pass-through request goes, and what the proxy must keep from the caller.
 *
 * @param baseUrl                 requests may only go below this URL
 * @param headers                 the headers that authenticate the request (contain secrets: never log them)
 * @param strippedResponseHeaders response headers to remove before passing the answer back (lower case)
 * @param nonSecretHeaders        names of {@code headers} whose values are not secret, such as a user's email; the
 *                                values of all others are masked wherever an answer shows them (since SPI 1.1;
 *                                kept in lower case)
 * @param secretJsonFields        JSON member names whose string values are credentials wherever they occur in an
 *                                answer, such as a token the provider hands out; masked whatever their value
 *                                (since SPI 1.1)
 * @param blockedRoutes           requests the proxy refuses, such as one that replaces the account's credentials
 *                                (since SPI 1.1)
 * @param admission               asked before each request is sent (since SPI 1.3; {@link Admission#OPEN} before)
 */
public record ProxyTarget(URI baseUrl, Map<String, String> headers, Set<String> strippedResponseHeaders,
                          Set<String> nonSecretHeaders, Set<String> secretJsonFields, List<BlockedRoute> blockedRoutes,
                          Admission admission) {
    public ProxyTarget {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(admission, "admission");
        headers = Map.copyOf(headers);
        strippedResponseHeaders = Set.copyOf(strippedResponseHeaders);
        nonSecretHeaders = nonSecretHeaders.stream().map(name -> name.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        secretJsonFields = Set.copyOf(secretJsonFields);
        for (String field : secretJsonFields) {
            if (field.isEmpty() || field.indexOf('"') >= 0 || field.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("secretJsonFields: a member name, not empty and without quotes "
                        + "or backslashes, got '" + field + "'");
            }
        }
        blockedRoutes = List.copyOf(blockedRoutes);
    }

    /** A target as SPI 1.0 knew it: every header value is secret, no JSON field is, no route is blocked. */
    public ProxyTarget(URI baseUrl, Map<String, String> headers, Set<String> strippedResponseHeaders) {
        this(baseUrl, headers, strippedResponseHeaders, Set.of(), Set.of(), List.of());
    }

    /** A target as SPI 1.1 and 1.2 knew it: every request is sent. */
    public ProxyTarget(URI baseUrl, Map<String, String> headers, Set<String> strippedResponseHeaders,
                       Set<String> nonSecretHeaders, Set<String> secretJsonFields, List<BlockedRoute> blockedRoutes) {
        this(baseUrl, headers, strippedResponseHeaders, nonSecretHeaders, secretJsonFields, blockedRoutes,
                Admission.OPEN);
    }

    /** The same target, asking {@code admission} before each request (since SPI 1.3). */
    public ProxyTarget withAdmission(Admission admission) {
        return new ProxyTarget(baseUrl, headers, strippedResponseHeaders, nonSecretHeaders, secretJsonFields,
                blockedRoutes, admission);
    }

    /**
     * Asked before each request the proxy sends to the provider (since SPI 1.3). A connector that keeps a
     * client-side budget of the provider's rate limit counts the request here, so proxied requests and its own
     * calls share one budget: when it is spent, {@link #admit()} throws {@link RateLimited} and the caller is
     * answered 429 with its {@code retryAfter}, the provider never asked. It runs on the proxy's I/O thread, so it
     * answers at once: no blocking, no call out.
     */
    @FunctionalInterface
    public interface Admission {
        /** Every request is sent. */
        Admission OPEN = () -> {
        };

        /**
         * Returns when the request may be sent.
         *
         * @throws RateLimited when it must not be sent now
         */
        void admit();
    }

    /**
     * A request the proxy refuses with 403 (since SPI 1.1).
     *
     * @param method upper case, such as {@code POST}
     * @param path   below the base URL, without a leading slash, such as {@code api/v9/me/reset_token}; matched
     *               case-insensitively after percent-decoding, trailing slashes ignored. A segment written as a
     *               template, {@code {name}}, stands for any one segment, such as the id in
     *               {@code api/v9/workspaces/{workspace_id}/ical/reset} (since SPI 1.2; an older host would read
     *               it literally, which is why a connector using it declares 1.2)
     * @param reason why, shown to the caller, such as what to do instead
     */
    public record BlockedRoute(String method, String path, String reason) {
        public BlockedRoute {
            method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            path = stripSlashes(Objects.requireNonNull(path, "path"));
            Objects.requireNonNull(reason, "reason");
            if (method.isBlank() || path.isEmpty() || reason.isBlank()) {
                throw new IllegalArgumentException("method, path and reason: must not be blank, got '" + method
                        + "', '" + path + "' and '" + reason + "'");
            }
            for (String segment : path.split("/", -1)) {
                boolean braces = segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0;
                if (segment.isEmpty() || braces && !isTemplate(segment)) {
                    throw new IllegalArgumentException("path: segments are text or a whole {name}, none empty, got '"
                            + path + "'");
                }
            }
        }

        /** Whether a segment of {@link #path()} is a template such as {@code {workspace_id}}. */
        public static boolean isTemplate(String segment) {
            return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}")
                    && segment.indexOf('{', 1) < 0 && segment.indexOf('}') == segment.length() - 1;
        }

        private static String stripSlashes(String path) {
            int start = 0;
            int end = path.length();
            while (start < end && path.charAt(start) == '/') {
                start++;
            }
            while (end > start && path.charAt(end - 1) == '/') {
                end--;
            }
            return path.substring(start, end);
        }
    }

    @Override
    public String toString() {
        return "ProxyTarget[baseUrl=" + baseUrl + ", headers=" + headers.keySet() + ", nonSecretHeaders="
                + nonSecretHeaders + ", secretJsonFields=" + secretJsonFields + ", blockedRoutes=" + blockedRoutes
                + "]";
    }
}
