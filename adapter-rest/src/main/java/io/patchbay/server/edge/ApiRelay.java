package io.patchbay.server.edge;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.patchbay.core.proxy.ProxyRules;
import io.patchbay.server.http.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes requests the listener does not serve itself to the API server on loopback and its answers back, with
 * only the connection-level headers changed. The API server applies its own limits, authentication and timeouts.
 */
public final class ApiRelay {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRelay.class);
    /** The API's largest answers are pages of accounts and the OpenAPI document. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    private final Upstreams upstreams;
    private final Origin api;

    public ApiRelay(EdgeIo io, int apiPort) {
        Objects.requireNonNull(io, "io");
        // Jetty closes connections idle for 30 s; ours go well before, so a relayed request never meets a closing one.
        this.upstreams = io.upstreams(Duration.ofSeconds(5), MAX_RESPONSE_BYTES, Duration.ofSeconds(10));
        this.api = new Origin(false, "127.0.0.1", apiPort);
    }

    void relay(Exchange exchange) {
        FullHttpRequest request = exchange.request();
        // The target was read one char per byte and would be written back as UTF-8: a raw "Zoë" would arrive as
        // "ZoÃ«". Percent-encoded, its bytes reach the API server as they were sent.
        FullHttpRequest relayed = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(),
                ProxyRules.encodedWirePath(request.uri()), request.content().retainedDuplicate());
        HopByHop.copyEndToEnd(request.headers(), relayed.headers());
        HttpUtil.setContentLength(relayed, relayed.content().readableBytes());
        if (!relayed.headers().contains(HttpHeaderNames.HOST)) {
            // HTTP/1.0 clients may leave it out; the HTTP/1.1 the API server is spoken to requires it.
            relayed.headers().set(HttpHeaderNames.HOST, api.hostHeader());
        }
        upstreams.send(exchange.loop(), api, relayed, Duration.ZERO, false, new Upstreams.Callback() {
            @Override
            public void onResponse(FullHttpResponse response) {
                FullHttpResponse answer = new DefaultFullHttpResponse(request.protocolVersion(), response.status(),
                        response.content());
                HopByHop.copyEndToEnd(response.headers(), answer.headers());
                HopByHop.keepHeadLength(request.method(), response.headers(), answer.headers());
                exchange.respond(answer);
            }

            @Override
            public void onFailure(Throwable cause) {
                if (cause instanceof TooLongFrameException || cause instanceof Upstreams.InvalidResponseException) {
                    // The API server is up and answered, in a form that cannot be passed on: a fault to fix, and
                    // no reason to tell the caller to come back in a second.
                    // The access line names the request.
                    LOG.error("The API server's answer could not be passed on: {}", cause.toString());
                    exchange.refuse(new ApiException(500, "internal_error", "Internal error",
                            "The server failed to process the request; the failure is logged"), Edge.UNAVAILABLE);
                    return;
                }
                exchange.refuse(new ApiException(503, "server_unavailable", "Server unavailable",
                        "The server is starting or stopping; retry later", List.of(), Map.of(),
                        Map.of("Retry-After", "1")), Edge.UNAVAILABLE);
            }
        });
    }
}
