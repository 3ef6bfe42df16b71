package io.patchbay.server.edge;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.RequestLog;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clocks of a client connection, first in its pipeline:
 * <ul>
 *   <li>a request must arrive whole within the request timeout of its first byte. A client that trickles a
 *       request a byte at a time (the "slowloris" attack) never looks idle; it is answered 408 and closed;</li>
 *   <li>a connection with no request in flight or arriving and no traffic for the idle timeout is closed;</li>
 *   <li>a connection whose answer the client stops reading (no byte of it written for the idle timeout) is closed,
 *       freeing what was buffered for it: else it would be held, answer and all, for as long as the client stays
 *       connected.</li>
 * </ul>
 * Reads only note the time. One timer per connection checks the clocks and re-arms itself for the nearest
 * deadline, so requests cost no timer work. Runs on the connection's event loop only.
 */
final class ClientTimeouts extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTimeouts.class);
    private static final long NONE = Long.MIN_VALUE;
    /**
     * How often per idle timeout an answer awaited or on its way is looked at. Progress is seen at a check (the
     * first one up to an idle timeout after the answer began: starting a request arms no timer), so a stalled answer
     * is closed one to two and a quarter idle timeouts after its last byte went out, never sooner.
     */
    private static final int WRITE_CHECKS = 4;

    private final long idleNanos;
    private final long requestNanos;
    private long lastActivity;
    /** When the first byte of the request now arriving came; {@link #NONE} between requests. */
    private long requestStarted = NONE;
    private boolean inFlight;
    private boolean requestExpired;
    /** The outbound buffer at the last check (its first message, how much of it is written, the bytes left). */
    private int writingMessage;
    private long writingProgress;
    private long writingPending;
    /** When a check last saw the outbound buffer change. */
    private long lastWrite;
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
        if (!ctx.channel().isOpen()) {
            return;
        }
        long now = System.nanoTime();
        boolean writing = writing(ctx, now);
        if (writing && now - lastWrite >= idleNanos) {
            LOG.debug("Closing a connection: its client read nothing of the answer for {} ms", idleNanos / 1_000_000);
            ctx.close();
            return;
        }
        if (!requestExpired && requestStarted != NONE && now - requestStarted >= requestNanos) {
            expire(ctx);
        } else if (!requestExpired && !inFlight && requestStarted == NONE && now - lastActivity >= idleNanos) {
            ctx.close();
            return;
        }
        // The clock that runs: a request arriving, or idleness with nothing in flight (an answer awaited has its own
        // provider timeout; the idle clock restarts when it is written); and an answer's writing, watched while
        // one is awaited or on its way.
        long delay = idleNanos;
        if (!requestExpired && requestStarted != NONE) {
            delay = requestStarted + requestNanos - now;
        } else if (!requestExpired && !inFlight) {
            delay = lastActivity + idleNanos - now;
        }
        if (inFlight || writing) {
            delay = Math.min(delay, idleNanos / WRITE_CHECKS);
        }
        arm(ctx, delay);
    }

    /**
     * Whether bytes wait to be written to the client; notes when the outbound buffer last changed (a message
     * written, or more of one), which is the client reading.
     */
    private boolean writing(ChannelHandlerContext ctx, long now) {
        // Read on the loop, as Netty's IdleStateHandler does to tell a slow reader from a stalled one.
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
        if (pending == 0) {
            writingPending = 0;
            return false;
        }
        int message = System.identityHashCode(buffer.current());
        long progress = buffer.currentProgress();
        if (writingPending == 0 || message != writingMessage || progress != writingProgress
                || pending != writingPending) {
            writingMessage = message;
            writingProgress = progress;
            writingPending = pending;
            lastWrite = now;
        }
        return true;
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
