package io.patchbay.server.edge;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.patchbay.server.http.ApiException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Passes requests the listener does not serve itself to the API server on loopback and its answers back, with
 * only the connection-level headers changed. The API server applies its own limits, authentication and timeouts.
 */
public final class ApiRelay {
    /** Headers about one connection, never passed on (RFC 9110 section 7.6.1). */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade");
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
        FullHttpRequest relayed = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
                request.content().retainedDuplicate());
        copy(request.headers(), relayed.headers());
        HttpUtil.setContentLength(relayed, relayed.content().readableBytes());
        upstreams.send(exchange.loop(), api, relayed, Duration.ZERO, false, new Upstreams.Callback() {
            @Override
            public void onResponse(FullHttpResponse response) {
                FullHttpResponse answer = new DefaultFullHttpResponse(request.protocolVersion(), response.status(),
                        response.content());
                copy(response.headers(), answer.headers());
                exchange.respond(answer);
            }

            @Override
            public void onFailure(Throwable cause) {
                exchange.fail(new ApiException(503, "server_unavailable", "Server unavailable",
                        "The server is starting or stopping; retry later", java.util.List.of(), Map.of(),
                        Map.of("Retry-After", "1")));
            }
        });
    }

    /** All headers but the hop-by-hop ones and those the {@code Connection} header names. */
    static void copy(HttpHeaders from, HttpHeaders to) {
        Set<String> listed = listedInConnection(from.get(HttpHeaderNames.CONNECTION));
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !listed.contains(name) && !name.equals("content-length")) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    /** The header names a {@code Connection} header lists: hop-by-hop for this message too. */
    public static Set<String> listedInConnection(String connection) {
        if (connection == null) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        for (String name : connection.split(",")) {
            names.add(name.strip().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
