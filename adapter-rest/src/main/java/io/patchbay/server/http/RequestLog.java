package io.patchbay.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every answered request leaves behind, whichever side served it (the listener's proxy or the API server):
 * a {@code patchbay.http.requests} timing by method, route and status, and unless turned off an access line with
 * method, path, status, time and caller id. Never headers, bodies or query strings, which may hold secrets.
 */
public final class RequestLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("io.patchbay.server.access-log");

    /** Longer paths are cut in the access line. */
    private static final int MAX_LOGGED_PATH = 256;

    private final MeterRegistry meters;
    private final boolean accessLines;
    /** Meters are looked up by name and tags; keeping them spares the builder on every request. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");

    public RequestLog(MeterRegistry meters, boolean accessLines) {
        this.meters = Objects.requireNonNull(meters, "meters");
        this.accessLines = accessLines;
    }

    /**
     * @param route    the route pattern, e.g. {@code /v1/accounts/{account_id}}, or {@code unmatched}
     * @param path     the path as requested, without the query
     * @param callerId the key or session id; {@code -} when the caller is unknown
     */
    public void record(String method, String route, String path, int status, long nanos, String callerId) {
        // Anyone may send any method token: only the standard ones become label values, so series stay bounded.
        String label = METHODS.contains(method) ? method : "OTHER";
        timers.computeIfAbsent(label + ' ' + route + ' ' + status, key -> Timer.builder("patchbay.http.requests")
                        .description("HTTP requests answered, by method, route template and status")
                        .tag("method", label).tag("route", route).tag("status", Integer.toString(status))
                        .register(meters))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (accessLines && ACCESS.isInfoEnabled()) {
            long tenths = (nanos + 50_000) / 100_000;
            ACCESS.info("{} {} {} {}.{}ms caller={}", method, printable(path), status, tenths / 10, tenths % 10,
                    callerId);
        }
    }

    /**
     * A path as a client sent it, safe for a log line: no control characters or spaces (a forged line break or
     * terminal escape would otherwise reach the log), not too long, no API key or connect session token (a
     * client that put one in the path by mistake, {@code /v1/accounts/pb_sk_...} or percent-encoded, must not find
     * it in the log), and in a proxy path no opaque token ({@link ProxyPathMasking}): the provider's URLs may hold
     * its credentials.
     */
    static String printable(String path) {
        // Masked before the cut, which could otherwise leave a token too short to be recognised.
        return TokenMasking.mask(cleaned(ProxyPathMasking.opaque(path)));
    }

    /** A request's method and path for a log line other than the access line, as printable as that one. */
    public static String where(String method, String path) {
        return method + " " + printable(path);
    }

    private static String cleaned(String path) {
        int i = 0;
        while (i < path.length() && i < MAX_LOGGED_PATH && path.charAt(i) > 0x20 && path.charAt(i) < 0x7f) {
            i++;
        }
        if (i == path.length()) {
            return path;
        }
        StringBuilder shown = new StringBuilder(Math.min(path.length(), MAX_LOGGED_PATH) + 3).append(path, 0, i);
        for (; i < path.length() && i < MAX_LOGGED_PATH; i++) {
            char c = path.charAt(i);
            shown.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return path.length() > MAX_LOGGED_PATH ? shown.append("...").toString() : shown.toString();
    }
}
