package io.patchbay.server.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One request on the public listener and its answer. Reading from the connection pauses until the answer is
 * written, so answers leave in request order and a slow provider holds back that connection only.
 */
public final class Exchange {
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final boolean keepAlive;
    private final long startedNanos;
    private final Runnable onDone;
    private boolean answered;

    Exchange(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive, Runnable onDone) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.request = Objects.requireNonNull(request, "request");
        this.keepAlive = keepAlive;
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

    /** The path without the query, as sent. */
    public String path() {
        String uri = request.uri();
        int question = uri.indexOf('?');
        return question < 0 ? uri : uri.substring(0, question);
    }

    public EventLoop loop() {
        return ctx.channel().eventLoop();
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** Sends the answer (taking ownership of it) and releases the request. Must run on {@link #loop()}. */
    public void respond(FullHttpResponse response) {
        if (answered) {
            response.release();
            return;
        }
        answered = true;
        request.release();
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            onDone.run();
            if (keepAlive && written.isSuccess()) {
                written.channel().config().setAutoRead(true);
            } else {
                written.channel().close();
            }
        });
    }

    /** Answers with a problem document. */
    public void fail(ApiException problem) {
        FullHttpResponse response = problem(request.protocolVersion(), problem, path());
        respond(response);
    }

    static FullHttpResponse problem(HttpVersion version, ApiException problem, String instance) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(problem.status()),
                Unpooled.wrappedBuffer(Problems.document(problem, instance).getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, Problems.CONTENT_TYPE);
        problem.headers().forEach(response.headers()::set);
        return response;
    }
}
