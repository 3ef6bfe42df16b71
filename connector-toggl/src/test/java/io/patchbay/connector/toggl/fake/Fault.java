package io.patchbay.connector.toggl.fake;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure {@link FakeToggl} serves instead of (or, for {@link #slow}, before; for {@link #dropAfterApplying},
 * in place of sending) its normal answer. Queue it with
 * {@link FakeToggl#enqueue(Fault)}; each queued fault is used once, by the first request whose path starts with
 * {@link #pathPrefix()}.
 *
 * @param status     HTTP status to answer; 0 for the normal answer ({@link #slow}, {@link #dropAfterApplying})
 * @param headers    extra response headers; an answer that is not an HTML page also gets the quota headers, as
 *                   every answer of Toggl's application does, unless it names them here
 * @param body       response body
 * @param delay      how long to wait before sending the response headers
 * @param pathPrefix only requests below this path consume the fault ({@code /} matches all)
 * @param drop       whether the connection closes instead of sending the answer (see {@link #dropAfterApplying})
 * @param interim    statuses of interim (1xx) answers sent before the answer, e.g. 100 or 103
 */
public record Fault(int status, Map<String, String> headers, String body, Duration delay, String pathPrefix,
                    boolean drop, List<Integer> interim) {

    public Fault {
        headers = Map.copyOf(headers);
        interim = List.copyOf(interim);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(pathPrefix, "pathPrefix");
    }

    /** A fault that answers and keeps the connection. */
    public Fault(int status, Map<String, String> headers, String body, Duration delay, String pathPrefix) {
        this(status, headers, body, delay, pathPrefix, false);
    }

    public Fault(int status, Map<String, String> headers, String body, Duration delay, String pathPrefix,
                 boolean drop) {
        this(status, headers, body, delay, pathPrefix, drop, List.of());
    }

    /**
     * The normal answer, after an interim one with this 1xx status: {@code 100 Continue} unasked (the connector never
     * sends {@code Expect}) or {@code 103 Early Hints}, as a CDN in front of Toggl may send.
     */
    public static Fault interimFirst(int status) {
        return new Fault(0, Map.of(), "", Duration.ZERO, "/", false, List.of(status));
    }

    /**
     * {@code 101 Switching Protocols} to a request that asked for no upgrade: an invalid answer (RFC 9110 allows it
     * only in reply to {@code Upgrade}), as a misbehaving proxy in front of Toggl could send it.
     */
    public static Fault switchingProtocols() {
        return new Fault(101, Map.of("Upgrade", "websocket", "Connection", "Upgrade"), "", Duration.ZERO, "/");
    }

    /** A redirect, which Toggl's API never answers (a proxy or a moved base URL in between would). */
    public static Fault redirect(String location) {
        return new Fault(302, Map.of("Location", location), "", Duration.ZERO, "/");
    }

    /** Any status with a body as Toggl sends most errors: a JSON string. */
    public static Fault status(int status, String message) {
        return new Fault(status, Map.of("Content-Type", "application/json; charset=utf-8"),
                message.isEmpty() ? "" : "\"" + message.replace("\"", "\\\"") + "\"", Duration.ZERO, "/");
    }

    /** HTTP 500, as the spec documents for every endpoint. */
    public static Fault serverError() {
        return status(500, "Internal Server Error");
    }

    /** HTTP 503 with an HTML page, as a load balancer in front of Toggl would answer. */
    public static Fault unavailable() {
        return new Fault(503, Map.of("Content-Type", "text/html"),
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", Duration.ZERO, "/");
    }

    /** The leaky bucket's 429: an nginx HTML page and, as documented, no {@code Retry-After}. */
    public static Fault rateLimited() {
        return new Fault(429, Map.of("Content-Type", "text/html"), FakeToggl.TOO_MANY_REQUESTS_PAGE, Duration.ZERO,
                "/");
    }

    /** A 429 that does name its wait. */
    public static Fault rateLimited(Duration retryAfter) {
        return new Fault(429, Map.of("Content-Type", "text/html", "Retry-After",
                String.valueOf(retryAfter.toSeconds())), FakeToggl.TOO_MANY_REQUESTS_PAGE, Duration.ZERO, "/");
    }

    /** The hourly quota is spent: 402 with the quota headers and Toggl's sentence. */
    public static Fault quotaExhausted(Duration resetsIn) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put(FakeToggl.QUOTA_REMAINING, "0");
        headers.put(FakeToggl.QUOTA_RESETS_IN, String.valueOf(resetsIn.toSeconds()));
        return new Fault(402, headers, FakeToggl.quotaSentence(resetsIn.toSeconds()), Duration.ZERO, "/");
    }

    /**
     * 402 for a premium feature on a cheaper plan, as Reports v3 documents it. Like every answer of Toggl's
     * application it carries the quota headers, with requests left.
     */
    public static Fault premiumRequired() {
        return status(402, "Workspace needs to have this feature enabled");
    }

    /** 405 as Toggl sends it for a method a route does not take: an empty body and no Content-Type. */
    public static Fault methodNotAllowed() {
        return new Fault(405, Map.of(), "", Duration.ZERO, "/");
    }

    /** The normal answer, after {@code delay}. */
    public static Fault slow(Duration delay) {
        return new Fault(0, Map.of(), "", delay, "/");
    }

    /**
     * The request is handled as usual (a write is applied), then the connection closes before any answer: a load
     * balancer dropping a keep-alive connection, say. The client cannot know whether Toggl acted on it.
     */
    public static Fault dropAfterApplying() {
        return new Fault(0, Map.of(), "", Duration.ZERO, "/", true);
    }

    /** The same fault, only for requests whose path starts with {@code prefix}, e.g. {@code /api/v9/me}. */
    public Fault onPath(String prefix) {
        return new Fault(status, headers, body, delay, prefix, drop, interim);
    }

    boolean replacesAnswer() {
        return status != 0;
    }

    Optional<Duration> pause() {
        return delay.isZero() ? Optional.empty() : Optional.of(delay);
    }
}
