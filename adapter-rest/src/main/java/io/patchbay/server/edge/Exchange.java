package io.patchbay.server.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import io.patchbay.server.http.RequestLog;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One request on the public listener and its answer, which must be given exactly once, on the connection's
 * event loop.
 */
public final class Exchange {
    private static final String API_PREFIX = "/v1/";
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final boolean keepAlive;
    private final long startedNanos;
    private final Consumer<Boolean> onDone;
    private final RequestLog log;
    private final BrowserOrigins browsers;
    private boolean answered;
    /** The client closed its connection; kept, as a route may look after it left (a database read, say). */
    private boolean gone;
    private Runnable onClientGone;

    /** @param onDone told, on the loop, whether the connection stays open once the answer is written */
    Exchange(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive, RequestLog log,
             BrowserOrigins browsers, Consumer<Boolean> onDone) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.request = Objects.requireNonNull(request, "request");
        this.keepAlive = keepAlive;
        this.log = Objects.requireNonNull(log, "log");
        this.browsers = Objects.requireNonNull(browsers, "browsers");
        this.onDone = Objects.requireNonNull(onDone, "onDone");
        this.startedNanos = System.nanoTime();
    }

    public FullHttpRequest request() {
        return request;
    }

    /** A request header, case-insensitively; null when absent. */
    public String header(String name) {
        return request.headers().get(name);
    }

    /** Every value (field line) of a request header, case-insensitively; empty when absent. */
    public java.util.List<String> headers(String name) {
        // Asked for three headers on every request, mostly absent: no list is made for those.
        return request.headers().contains(name) ? request.headers().getAll(name) : java.util.List.of();
    }

    /** The path without the query, as sent. */
    public String path() {
        return pathOf(request.uri());
    }

    static String pathOf(String requestTarget) {
        int question = requestTarget.indexOf('?');
        return question < 0 ? requestTarget : requestTarget.substring(0, question);
    }

    public EventLoop loop() {
        return ctx.channel().eventLoop();
    }

    public long startedNanos() {
        return startedNanos;
    }

    /**
     * Runs {@code action} on the loop if the client closes its connection before it is answered; at once when it
     * has already closed it. Must run on {@link #loop()}.
     */
    public void onClientGone(Runnable action) {
        onClientGone = Objects.requireNonNull(action, "action");
        if (gone && !answered) {
            action.run();
        }
    }

    /** Whether the client closed its connection: an answer would reach nobody. Must run on {@link #loop()}. */
    public boolean isClientGone() {
        return gone;
    }

    /** The client's connection closed. */
    void clientGone() {
        gone = true;
        if (!answered && onClientGone != null) {
            onClientGone.run();
        }
    }

    /** Sends the answer (taking ownership of it) and releases the request. Must run on {@link #loop()}. */
    public void respond(FullHttpResponse response) {
        if (answered) {
            response.release();
            return;
        }
        answered = true;
        if (path().startsWith(API_PREFIX)) {
            // API answers hold account data and keys: no cache along the way may keep them.
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        request.release();
        ctx.writeAndFlush(framed(response, keepAlive, head)).addListener((ChannelFutureListener) written -> {
            boolean open = keepAlive && written.isSuccess();
            if (!open) {
                written.channel().close();
            }
            onDone.accept(open);
        });
    }

    /** Answers with a problem document. */
    public void fail(ApiException problem) {
        // What could not be parsed, or is in a version we do not speak, is answered in our own version.
        boolean http10 = request.decoderResult().isSuccess() && HttpVersion.HTTP_1_0.equals(request.protocolVersion());
        FullHttpResponse answer = problem(http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, problem,
                request.decoderResult().isSuccess() ? path() : "/");
        browsers.allow(request.headers(), answer.headers());
        respond(answer);
    }

    /**
     * Answers with a problem the listener gives itself, no route or API server having seen the request, and
     * records it under {@code route}: without that an operator would not see clients sending garbage.
     */
    void refuse(ApiException problem, String route) {
        // Recorded first: answering may close the connection, and whoever sees it closed may look for the line.
        boolean parsed = request.decoderResult().isSuccess();
        log.record(parsed ? request.method().name() : "-", route, parsed ? path() : "-", problem.status(),
                System.nanoTime() - startedNanos, "-");
        fail(problem);
    }

    /** Sets how the answer is framed on the connection: its body's length, and whether the connection stays open. */
    static FullHttpResponse framed(FullHttpResponse response, boolean keepAlive) {
        return framed(response, keepAlive, false);
    }

    /**
     * As {@link #framed(FullHttpResponse, boolean)}; the answer to a HEAD keeps the length the GET would have, or,
     * with neither a length nor a body of its own (a provider's encoded answer, whose decoded length is unknown),
     * states none rather than 0.
     */
    static FullHttpResponse framed(FullHttpResponse response, boolean keepAlive, boolean head) {
        int status = response.status().code();
        if (status < 200 || status == 204 || status == 304) {
            // No body by definition, and no length: a 304's would have to be the full answer's (RFC 9110 8.6).
            response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else if (!head || !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                && response.content().isReadable()) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    static FullHttpResponse problem(HttpVersion version, ApiException problem, String instance) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(problem.status()),
                Unpooled.wrappedBuffer(Problems.document(problem, instance).getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, Problems.CONTENT_TYPE);
        // Also for a request line too long or too garbled to tell whether it was an API path.
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        problem.headers().forEach(response.headers()::set);
        return response;
    }
}
