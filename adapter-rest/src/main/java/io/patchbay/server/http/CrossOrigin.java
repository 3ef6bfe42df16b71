package io.patchbay.server.http;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Lets pages of the operator's own web origins call the API from the browser, as an application's own connect
 * screen does with a connect session token. Jetty's handler answers preflight requests itself and passes requests
 * of other origins on without CORS headers, so the browser keeps their answers from the page (the server's own
 * connect page is same-origin and needs none). Javalin's CORS plugin is not used: it sets status 400 on a request
 * from an origin it does not list and still runs the route (the same-origin connect page sends an Origin too), and
 * turns every 404 or 405 answer to OPTIONS into 200.
 */
public final class CrossOrigin {
    /** What a connect session uses; an API key belongs on a backend, so its other methods are not offered. */
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT");
    static final Set<String> REQUEST_HEADERS = Set.of("Authorization", "Content-Type", "If-Match");
    /** Answer headers a page may read, besides the ones every answer exposes. */
    public static final Set<String> EXPOSED_HEADERS = Set.of("ETag", "Location", "Retry-After");
    static final Duration PREFLIGHT_MAX_AGE = Duration.ofMinutes(10);

    /** The route label of preflight requests in the access log and metrics. */
    public static final String PREFLIGHT_ROUTE = "preflight";

    private CrossOrigin() {
    }

    private static boolean isPreflight(Request request) {
        return HttpMethod.OPTIONS.is(request.getMethod()) && request.getHeaders().contains(HttpHeader.ORIGIN)
                && request.getHeaders().contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /**
     * @param origins  exact origins, as browsers send them ({@code https://app.example.com})
     * @param requests where preflights go in the access log and metrics, under the route {@value #PREFLIGHT_ROUTE}:
     *                 they are answered before routing, where the API's own request log is written
     */
    public static CrossOriginHandler handler(List<String> origins, RequestLog requests) {
        Objects.requireNonNull(requests, "requests");
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("origins: at least one is needed");
        }
        CrossOriginHandler handler = new CrossOriginHandler() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!isPreflight(request)) {
                    return super.handle(request, response, callback);
                }
                long start = System.nanoTime();
                boolean handled = super.handle(request, response, callback);
                // The path as sent, still encoded: a decoded one could carry a line break into the log.
                requests.record(request.getMethod(), PREFLIGHT_ROUTE, request.getHttpURI().getPath(),
                        response.getStatus(), System.nanoTime() - start, "-");
                return handled;
            }
        };
        handler.setAllowedOriginPatterns(origins.stream().map(Pattern::quote).collect(Collectors.toSet()));
        handler.setAllowedMethods(METHODS);
        handler.setAllowedHeaders(REQUEST_HEADERS);
        handler.setExposedHeaders(EXPOSED_HEADERS);
        handler.setPreflightMaxAge(PREFLIGHT_MAX_AGE);
        handler.setAllowCredentials(false);
        return handler;
    }
}
