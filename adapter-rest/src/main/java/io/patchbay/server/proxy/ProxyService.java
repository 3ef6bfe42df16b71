package io.patchbay.server.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.ProxyRouteBlockedException;
import io.patchbay.core.proxy.AccountProxy;
import io.patchbay.core.proxy.ContentDecoding.CorruptException;
import io.patchbay.core.proxy.ContentDecoding.TooLargeException;
import io.patchbay.core.proxy.ContentDecoding.UnsupportedException;
import io.patchbay.core.proxy.OpenedTarget;
import io.patchbay.core.proxy.ProxyRules;
import io.patchbay.core.proxy.SecretMasking;
import io.patchbay.server.ServerConfig;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.Scope;
import io.patchbay.server.edge.EdgeIo;
import io.patchbay.server.edge.EdgeRoute;
import io.patchbay.server.edge.Exchange;
import io.patchbay.server.edge.HopByHop;
import io.patchbay.server.edge.Origin;
import io.patchbay.server.edge.Upstreams;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import io.patchbay.server.http.ProxyPathMasking;
import io.patchbay.server.http.RequestLog;
import io.patchbay.spi.ProxyTarget;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code /v1/accounts/{id}/proxy/<path>}: passes a request to the account's provider with the account's credentials
 * added, and the answer back. Served on the listener's event loop: the key and the account come from memory when
 * they were seen recently, else from a thread that may wait for the database; the provider call then runs on the
 * loop over a pooled keep-alive connection. The caller's auth and hop-by-hop headers are not forwarded; provider
 * cookies, the headers the connector names and hop-by-hop headers are not passed back; secret values in the answer
 * are masked. The rules are the core's ({@code io.patchbay.core.proxy}), shared with the embedders' proxy.
 */
@Singleton
public final class ProxyService implements EdgeRoute {
    /** HEAD goes to the provider as HEAD, as for every GET route of the API. */
    private static final Set<String> METHODS = ProxyRules.METHODS;
    private static final String ALLOWED = String.join(", ", METHODS.stream().sorted().toList());
    /** The upstream timer's status for an answer that cannot be passed on (too large, malformed, corrupt). */
    private static final String INVALID_ANSWER = "invalid_answer";
    /** Answers larger than this are refused rather than held in memory, as the embedders' proxy does. */
    static final int MAX_RESPONSE_BYTES = AccountProxy.MAX_RESPONSE_BYTES;
    /** Providers' keep-alive timeouts are seldom under 15 s (nginx: 75 s); a GET that meets a closed one is retried. */
    static final Duration PROVIDER_IDLE_TIMEOUT = Duration.ofSeconds(15);

    private final Authenticator auth;
    private final ProxyTargets targets;
    private final ServerConfig config;
    private final MeterRegistry meters;
    private final Upstreams providers;
    private final EdgeIo io;
    private final RequestLog requests;
    /** Kept by connector and status class, sparing the meter builder on every request. */
    private final Map<String, Timer> upstreamTimers = new ConcurrentHashMap<>();

    /** What one proxy request was resolved to. */
    private record Plan(Caller.Key caller, OpenedTarget resolved, URI uri) {
    }

    @Inject
    ProxyService(Authenticator auth, ProxyTargets targets, ServerConfig config, MeterRegistry meters,
                 RequestLog requests, EdgeIo io) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.config = Objects.requireNonNull(config, "config");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.io = Objects.requireNonNull(io, "io");
        this.providers = io.upstreams(config.connectTimeout(), MAX_RESPONSE_BYTES, PROVIDER_IDLE_TIMEOUT);
    }

    @Override
    public List<String> routes() {
        // HEAD is implied by GET, as for the API server's routes.
        return METHODS.stream().filter(m -> !m.equals("HEAD")).sorted().map(m -> m + " " + ProxyPaths.ROUTE).toList();
    }

    @Override
    public boolean handle(Exchange exchange) {
        Optional<ProxyPaths.Match> match = ProxyPaths.match(exchange.request().uri());
        if (match.isEmpty()) {
            return false;
        }
        String method = exchange.request().method().name();
        if (!METHODS.contains(method)) {
            finish(exchange, null, Problems.methodNotAllowed(method + " is not allowed on " + exchange.path(),
                    ALLOWED));
            return true;
        }
        Caller.Key caller = null;
        try {
            Optional<Caller.Key> inMemory = auth.key(exchange::headers, Scope.PROXY_INVOKE, false);
            if (inMemory.isPresent()) {
                caller = inMemory.get();
                Optional<Plan> plan = plan(exchange, match.get(), caller, false);
                if (plan.isPresent()) {
                    send(exchange, plan.get());
                    return true;
                }
            }
        } catch (RuntimeException e) {
            finish(exchange, caller, e);
            return true;
        }
        Caller.Key known = caller;
        try {
            io.blocking().execute(() -> {
                Caller.Key key = known;
                try {
                    if (key == null) {
                        key = auth.key(exchange::headers, Scope.PROXY_INVOKE, true).orElseThrow();
                    }
                    Plan resolved = plan(exchange, match.get(), key, true).orElseThrow();
                    exchange.loop().execute(() -> send(exchange, resolved));
                } catch (RuntimeException e) {
                    Caller.Key refused = key;
                    exchange.loop().execute(() -> finish(exchange, refused, e));
                }
            });
        } catch (RejectedExecutionException e) {
            finish(exchange, known, new ApiException(503, "server_busy", "Server busy", "Too many proxy requests "
                    + "are waiting for the database; retry shortly", List.of(), Map.of(), Map.of("Retry-After", "1")));
        }
        return true;
    }

    /**
     * Account and provider URL for an authenticated caller, in the order their errors take precedence.
     *
     * @return empty when the account is not in memory and {@code mayBlock} is false
     */
    private Optional<Plan> plan(Exchange exchange, ProxyPaths.Match match, Caller.Key caller, boolean mayBlock) {
        try {
            for (String name : exchange.request().headers().names()) {
                ProxyRules.refuseMethodOverride(name, name);
            }
            String relative = ProxyPaths.checkedRelative(match);
            ProxyRules.refuseMethodParameter(match.rawQuery().orElse(null),
                    exchange.request().headers().get(HttpHeaderNames.CONTENT_TYPE),
                    () -> exchange.request().content().toString(StandardCharsets.ISO_8859_1));
            Optional<OpenedTarget> resolved = targets.resolve(caller.viewer(), match.accountId(), mayBlock);
            if (resolved.isEmpty()) {
                return Optional.empty();
            }
            ProxyTarget target = resolved.get().target();
            URI uri = ProxyRules.target(target.baseUrl(), relative, match.rawQuery().orElse(null));
            ProxyRules.refuseBlocked(target, exchange.request().method().name(), relative);
            return Optional.of(new Plan(caller, resolved.get(), uri));
        } catch (InvalidInputException e) {
            // A request line the rules refuse is a malformed request here, as every request-shape fault of the API.
            throw ApiException.invalidRequest(e.errors());
        } catch (ProxyRouteBlockedException e) {
            throw new ApiException(403, e.code(), "Route blocked", e.getMessage());
        }
    }

    private void send(Exchange exchange, Plan plan) {
        if (exchange.isClientGone()) {
            // It left while its key or account was read: a provider call now would be made for nobody.
            fail(exchange, plan, clientClosed());
            return;
        }
        try {
            // The connector's own budget of the provider's rate limit counts proxied requests too (429 when spent).
            plan.resolved().target().admission().admit();
        } catch (RuntimeException e) {
            fail(exchange, plan, e);
            return;
        }
        FullHttpRequest incoming = exchange.request();
        String method = incoming.method().name();
        String pathAndQuery = plan.uri().getRawPath() + (plan.uri().getRawQuery() == null ? ""
                : "?" + plan.uri().getRawQuery());
        FullHttpRequest outgoing = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, incoming.method(), pathAndQuery,
                incoming.content().retainedDuplicate());
        HttpHeaders headers = HopByHop.copyEndToEnd(incoming.headers(), outgoing.headers());
        ProxyHeaders.removeNotForwarded(headers);
        // Masking reads plain bytes: the caller's encodings are not ours to accept.
        headers.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        plan.resolved().target().headers().forEach(headers::set);
        Origin origin = Origin.of(plan.uri());
        headers.set(HttpHeaderNames.HOST, origin.hostHeader());
        if (outgoing.content().isReadable() || ProxyRules.BODY_METHODS.contains(method)) {
            HttpUtil.setContentLength(outgoing, outgoing.content().readableBytes());
        }
        long started = System.nanoTime();
        boolean retryable = outgoing.method() == HttpMethod.GET;
        Upstreams.Callback answered = new Upstreams.Callback() {
            @Override
            public void onResponse(FullHttpResponse response) {
                try {
                    answer(exchange, plan, response, started);
                } finally {
                    response.release();
                }
            }

            @Override
            public void onFailure(Throwable cause) {
                // An outage must show as failed calls, not as no traffic.
                timeUpstream(plan, failedStatus(cause), started);
                fail(exchange, plan, upstreamFailure(cause, origin));
            }
        };
        // A caller that leaves cancels the call, which closes its connection rather than wait on the provider.
        exchange.onClientGone(providers.send(exchange.loop(), origin, outgoing, config.callTimeout(), retryable,
                answered)::cancel);
    }

    private void answer(Exchange exchange, Plan plan, FullHttpResponse response, long started) {
        SecretMasking.Secrets secrets = plan.resolved().secrets();
        if (ContentDecoding.otherTransferCoding(response.headers())) {
            // The body is still in that coding (gzip, say): passed on, the secrets in it would go unmasked.
            timeUpstream(plan, INVALID_ANSWER, started);
            fail(exchange, plan, new ApiException(502, "provider_encoding_unsupported",
                    "Provider answer not usable", "The provider answered in a transfer coding other than chunked, "
                    + "which the proxy does not decode to mask secrets; it reads chunked answers only"));
            return;
        }
        ByteBuf body = response.content();
        String encoding = ContentDecoding.encoding(response.headers());
        if (encoding != null) {
            try {
                body = ContentDecoding.decode(body, encoding, MAX_RESPONSE_BYTES);
            } catch (IOException e) {
                timeUpstream(plan, INVALID_ANSWER, started);
                fail(exchange, plan, upstreamFailure(e, Origin.of(plan.uri())));
                return;
            }
        }
        timeUpstream(plan, (response.status().code() / 100) + "xx", started);
        ByteBuf maskedBody;
        try {
            maskedBody = Masking.mask(body, secrets);
        } finally {
            if (body != response.content()) {
                body.release();
            }
        }
        // The standard reason phrase, not the provider's: its own text is free to echo what we sent it.
        FullHttpResponse answer = new DefaultFullHttpResponse(exchange.request().protocolVersion(),
                HttpResponseStatus.valueOf(response.status().code()), maskedBody);
        HttpHeaders headers = HopByHop.copyEndToEnd(response.headers(), answer.headers());
        ProxyHeaders.removeNotReturned(headers, plan.resolved().target().strippedResponseHeaders(), secrets.values());
        if (ContentDecoding.isIdentity(encoding)) {
            // An encoded length is not the length of the decoded body the GET would pass on.
            HopByHop.keepHeadLength(exchange.request().method(), response.headers(), headers);
        }
        if (!secrets.values().isEmpty()) {
            for (Map.Entry<String, String> header : headers) {
                String masked = SecretMasking.mask(header.getValue(), secrets.values());
                if (masked != header.getValue()) {
                    header.setValue(masked);
                }
            }
        }
        int status = answer.status().code();
        exchange.respond(answer);
        log(exchange, plan.caller(), loggedPath(exchange, plan), status);
    }

    /** Answers a request whose account is not known (yet) with a problem. */
    private void finish(Exchange exchange, Caller caller, Exception failure) {
        finish(exchange, caller, exchange.path(), failure);
    }

    /** Answers a planned request with a problem; its log lines have the account's secrets masked. */
    private void fail(Exchange exchange, Plan plan, Exception failure) {
        finish(exchange, plan.caller(), loggedPath(exchange, plan), failure);
    }

    private void finish(Exchange exchange, Caller caller, String loggedPath, Exception failure) {
        ApiException problem = Problems.toProblem(failure, false,
                RequestLog.where(exchange.request().method().name(), loggedPath));
        exchange.fail(problem);
        log(exchange, caller, loggedPath, problem.status());
    }

    /** The path for log lines with the account's secrets masked: a caller may put them in a provider path. */
    private static String loggedPath(Exchange exchange, Plan plan) {
        return ProxyPathMasking.mask(exchange.path(), plan.resolved().secrets().values());
    }

    /**
     * Times a call to the provider by connector and status: the answer's status class, or for a call that got no
     * answer to pass on, how it failed ({@link #failedStatus}). A few values, never the provider's own text.
     */
    private void timeUpstream(Plan plan, String status, long started) {
        String connector = plan.resolved().account().connectorId();
        upstreamTimers.computeIfAbsent(connector + ' ' + status, key -> Timer.builder("patchbay.proxy.upstream")
                        .description("Proxy calls to providers, by connector and the answer's status class or how "
                                + "the call failed")
                        .tag("connector", connector).tag("status", status).register(meters))
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /** How a call that got no usable answer failed, as the {@code status} of the upstream timer. */
    static String failedStatus(Throwable cause) {
        if (cause instanceof Upstreams.CancelledException) {
            return "client_left";
        }
        if (cause instanceof Upstreams.TimeoutException) {
            return "timeout";
        }
        if (cause instanceof Upstreams.ConnectFailedException) {
            return "unreachable";
        }
        if (cause instanceof TooLongFrameException || cause instanceof TooLargeException
                || cause instanceof Upstreams.InvalidResponseException || cause instanceof UnsupportedException
                || cause instanceof CorruptException) {
            return INVALID_ANSWER;
        }
        // The connection failed after it was made: reset, closed mid-answer.
        return "failed";
    }

    private static ApiException upstreamFailure(Throwable cause, Origin origin) {
        if (cause instanceof Upstreams.CancelledException) {
            return clientClosed();
        }
        if (cause instanceof Upstreams.TimeoutException) {
            return failure(504, "provider_timeout", "The provider did not answer in time");
        }
        if (cause instanceof Upstreams.ConnectFailedException) {
            return failure(502, "provider_unreachable", "The provider at " + origin.host() + " cannot be reached");
        }
        if (cause instanceof TooLongFrameException || cause instanceof TooLargeException) {
            return failure(502, "provider_response_too_large", "The provider's answer is larger than "
                    + MAX_RESPONSE_BYTES / (1024 * 1024) + " MiB, the most the proxy passes on");
        }
        if (cause instanceof Upstreams.InvalidResponseException) {
            return failure(502, "provider_response_invalid", "The provider's answer cannot be passed on: "
                    + cause.getMessage());
        }
        if (cause instanceof UnsupportedException) {
            return new ApiException(502, "provider_encoding_unsupported", "Provider answer not usable",
                    cause.getMessage());
        }
        if (cause instanceof CorruptException) {
            return failure(502, "provider_response_corrupt", cause.getMessage());
        }
        return failure(502, "provider_unavailable", "The connection to the provider failed");
    }

    /** Nobody reads this answer; the status is for the access log and metrics, as nginx has it. */
    private static ApiException clientClosed() {
        return new ApiException(499, "client_closed_request", "Client closed request",
                "The caller went away before the provider answered");
    }

    private static ApiException failure(int status, String code, String detail) {
        return new ApiException(status, code, "Provider unavailable", detail, List.of(), Map.of(),
                Map.of("Retry-After", "30"));
    }

    private void log(Exchange exchange, Caller caller, String loggedPath, int status) {
        requests.record(exchange.request().method().name(), ProxyPaths.ROUTE, loggedPath, status,
                System.nanoTime() - exchange.startedNanos(), caller == null ? "-" : caller.id());
    }
}
