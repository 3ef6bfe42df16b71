package io.patchbay.server.edge;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.RequestLog;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of a client connection, first in its pipeline:
 * <ul>
 *   <li>a request must arrive whole within the request timeout of its first byte. A client that trickles a
 *       request a byte at a time (the "slowloris" attack) never looks idle; it is answered 408 and closed;</li>
 *   <li>a connection with no request in flight or arriving and no traffic for the idle timeout is closed.</li>
 * </ul>
 * Reads only note the time. One timer per connection checks the clocks and re-arms itself for the nearest
 * deadline, so requests cost no timer work. Runs on the connection's event loop only.
 */
final class ClientTimeouts extends ChannelInboundHandlerAdapter {
    private static final long NONE = Long.MIN_VALUE;

    private final long idleNanos;
    private final long requestNanos;
    private long lastActivity;
    /** When the first byte of the request now arriving came; {@link #NONE} between requests. */
    private long requestStarted = NONE;
    private boolean inFlight;
    private boolean requestExpired;
    private ScheduledFuture<?> timer;
    private final RequestLog log;

    ClientTimeouts(Duration idleTimeout, Duration requestTimeout, RequestLog log) {
        this.idleNanos = idleTimeout.toNanos();
        this.requestNanos = requestTimeout.toNanos();
        this.log = log;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lastActivity = System.nanoTime();
        arm(ctx, idleNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        if (requestStarted == NONE) {
            requestStarted = lastActivity;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }

    /** A whole request was read: its clock stops. Bytes after it in the same read start the next one later. */
    void requestReceived() {
        requestStarted = NONE;
    }

    /** How long the request now arriving has taken so far; 0 between requests. */
    long requestAge() {
        return requestStarted == NONE ? 0 : System.nanoTime() - requestStarted;
    }

    void exchangeStarted() {
        inFlight = true;
    }

    void exchangeDone() {
        inFlight = false;
        lastActivity = System.nanoTime();
    }

    /** The next request ran out of time while an answer was on its way: close once that answer is written. */
    boolean requestExpired() {
        return requestExpired;
    }

    private void arm(ChannelHandlerContext ctx, long delayNanos) {
        // Never later than one request timeout: a request that starts while the timer waits for idleness (reads do
        // not re-arm it) must still be cut off on time, also when the idle timeout is the longer one.
        long delay = Math.min(delayNanos, requestNanos);
        timer = ctx.executor().schedule(() -> check(ctx), Math.max(delay, 1), TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isOpen() || requestExpired) {
            return;
        }
        long now = System.nanoTime();
        if (requestStarted != NONE && now - requestStarted >= requestNanos) {
            expire(ctx);
            return;
        }
        if (!inFlight && requestStarted == NONE && now - lastActivity >= idleNanos) {
            ctx.close();
            return;
        }
        // The one clock that runs: a request arriving, or idleness with nothing in flight (an answer on its way
        // has its own provider timeout; the idle clock restarts when it is written).
        if (requestStarted != NONE) {
            arm(ctx, requestStarted + requestNanos - now);
        } else if (!inFlight) {
            arm(ctx, lastActivity + idleNanos - now);
        } else {
            arm(ctx, idleNanos);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        requestExpired = true;
        ctx.channel().config().setAutoRead(false);
        if (inFlight) {
            return; // answers leave in order: this connection closes after the one being served
        }
        ApiException timeout = new ApiException(408, "request_timeout", "Request timeout",
                "The request did not arrive whole within " + requestNanos / 1_000_000 + " ms of its first byte");
        // The request never arrived whole: neither its method nor its path is known.
        log.record("-", Edge.REFUSED, "-", 408, requestNanos, "-");
        // Through the whole pipeline, so the response is encoded as HTTP.
        ctx.channel().writeAndFlush(Exchange.framed(Exchange.problem(HttpVersion.HTTP_1_1, timeout, "/"), false))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
