package io.patchbay.server.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * HTTP/1.1 calls from the public listener's event loops to upstream servers (providers, and the API server on
 * loopback). Connections are kept alive and pooled per event loop and origin, so a call runs start to end on the
 * loop that took the request: no locks, no thread hand-offs. Host names are resolved on a blocking executor, only
 * when a new connection is opened.
 */
public final class Upstreams implements AutoCloseable {
    /** Idle connections kept per origin and event loop; more are closed when they come back. */
    static final int MAX_IDLE_PER_ORIGIN = 64;
    /** Response header blocks up to this size are read; some providers set many cookies (the proxy drops them). */
    static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

    /** Answers to a call, delivered on the calling event loop. */
    public interface Callback {
        /** Takes ownership of {@code response}. */
        void onResponse(FullHttpResponse response);

        void onFailure(Throwable cause);
    }

    /** The upstream did not answer in time. */
    public static final class TimeoutException extends IOException {
        TimeoutException(Duration timeout) {
            super("No answer within " + timeout.toMillis() + " ms", null);
        }
    }

    /**
     * The upstream's answer is not HTTP/1.1 the call can use: a status line, header or body framing the decoder
     * refused, headers above {@link #MAX_RESPONSE_HEADER_BYTES}, a switch of protocols nobody asked for, or a status
     * outside 100-599. The message is ours alone: the upstream's bytes may hold anything, secrets included.
     */
    public static final class InvalidResponseException extends IOException {
        InvalidResponseException(String why) {
            super(why, null);
        }
    }

    /** The caller went away before the answer came. */
    public static final class CancelledException extends IOException {
        CancelledException() {
            super("The caller went away", null);
        }
    }

    /** The connection could not be made. */
    public static final class ConnectFailedException extends IOException {
        ConnectFailedException(Origin origin, Throwable cause) {
            super("Cannot connect to " + origin.hostHeader(), cause);
        }
    }

    private final Transport transport;
    private final Duration connectTimeout;
    private final int maxResponseBytes;
    private final Duration idleTimeout;
    private final Executor blocking;
    private final ChannelGroup channels = new DefaultChannelGroup("upstreams", GlobalEventExecutor.INSTANCE);
    private final FastThreadLocal<Map<Origin, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Origin, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };
    private volatile SslContext tls;

    Upstreams(Transport transport, Duration connectTimeout, int maxResponseBytes, Duration idleTimeout,
              Executor blocking) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.maxResponseBytes = maxResponseBytes;
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    /**
     * Sends {@code request} (taking ownership of it) to {@code origin}; must run on {@code loop}.
     *
     * @param timeout   for the whole call (a name lookup, connecting, sending, the answer, a retry); zero for none
     * @param retryable whether the request may be sent again on a fresh connection when a pooled one turns out to
     *                  be closed before any answer (only for requests without effects, such as GET)
     * @return the call, to cancel when its caller goes away
     */
    public Call send(EventLoop loop, Origin origin, FullHttpRequest request, Duration timeout, boolean retryable,
                     Callback callback) {
        Call call = new Call(callback);
        call.startClock(loop, timeout);
        Channel pooled = pollIdle(origin);
        if (pooled == null) {
            connect(loop, origin, request, call);
            return call;
        }
        if (!retryable) {
            dispatch(pooled, request, call);
            return call;
        }
        FullHttpRequest again = request.retainedDuplicate();
        dispatch(pooled, request, new Attempt() {
            @Override
            Call call() {
                return call;
            }

            @Override
            public void onResponse(FullHttpResponse response) {
                again.release();
                call.onResponse(response);
            }

            @Override
            public void onFailure(Throwable cause) {
                // A pooled connection the server closed under us fails in several ways (closed, reset, premature
                // end); a late, oversized or invalid answer is the server's, and not worth asking for again.
                if (!(cause instanceof TimeoutException) && !(cause instanceof TooLongFrameException)
                        && !(cause instanceof InvalidResponseException) && !call.over) {
                    connect(loop, origin, again, call);
                } else {
                    again.release();
                    call.onFailure(cause);
                }
            }
        });
        return call;
    }

    private Channel pollIdle(Origin origin) {
        ArrayDeque<Channel> queue = idle.get().get(origin);
        while (queue != null && !queue.isEmpty()) {
            Channel channel = queue.pollFirst();
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    private void connect(EventLoop loop, Origin origin, FullHttpRequest request, Attempt callback) {
        if (NetUtil.isValidIpV4Address(origin.host()) || NetUtil.isValidIpV6Address(origin.host())) {
            connect(loop, origin, new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(origin.host()),
                    origin.port()), request, callback);
            return;
        }
        try {
            blocking.execute(() -> {
                InetSocketAddress address;
                try {
                    address = new InetSocketAddress(InetAddress.getByName(origin.host()), origin.port());
                } catch (UnknownHostException e) {
                    loop.execute(() -> {
                        request.release();
                        callback.onFailure(new ConnectFailedException(origin, e));
                    });
                    return;
                }
                loop.execute(() -> connect(loop, origin, address, request, callback));
            });
        } catch (RejectedExecutionException e) {
            request.release();
            callback.onFailure(new ConnectFailedException(origin, e));
        }
    }

    private void connect(EventLoop loop, Origin origin, InetSocketAddress address, FullHttpRequest request,
                         Attempt callback) {
        if (callback.call().over) {
            // Timed out or cancelled while the name was looked up.
            request.release();
            return;
        }
        SslContext context;
        try {
            context = origin.tls() ? tls() : null;
        } catch (SSLException e) {
            request.release();
            callback.onFailure(new ConnectFailedException(origin, e));
            return;
        }
        ChannelFuture connecting = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (context != null) {
                            channel.pipeline().addLast(context.newHandler(channel.alloc(), origin.host(), origin.port()));
                        }
                        channel.pipeline().addLast(new HttpClientCodec(4096, MAX_RESPONSE_HEADER_BYTES, 8192),
                                new NoSwitch(), new HttpObjectAggregator(maxResponseBytes),
                                new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                new Connection(origin));
                    }
                })
                .connect(address);
        // The call's clock closes a connection still being made when it runs out.
        callback.call().channel = connecting.channel();
        connecting.addListener((ChannelFutureListener) connected -> {
            if (connected.isSuccess()) {
                channels.add(connected.channel());
                dispatch(connected.channel(), request, callback);
            } else {
                request.release();
                callback.onFailure(new ConnectFailedException(origin, connected.cause()));
            }
        });
    }

    private void dispatch(Channel channel, FullHttpRequest request, Attempt callback) {
        if (callback.call().over) {
            // Cancelled while connecting: the connection may be half-way through nothing, so it is not kept.
            request.release();
            channel.close();
            return;
        }
        callback.call().channel = channel;
        Connection connection = channel.pipeline().get(Connection.class);
        connection.begin(callback);
        channel.writeAndFlush(request).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                connection.fail(written.cause());
            }
        });
    }

    /** The TLS context for providers, made on the first https call: start-up does not load TLS. */
    private SslContext tls() throws SSLException {
        SslContext current = tls;
        if (current == null) {
            synchronized (this) {
                current = tls;
                if (current == null) {
                    current = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
                    tls = current;
                }
            }
        }
        return current;
    }

    @Override
    public void close() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** An attempt of a call: the callback of one connection's exchange, which knows the call it is for. */
    private abstract static class Attempt implements Callback {
        abstract Call call();
    }

    /**
     * A call under way, answered or failed exactly once; runs on its event loop. A caller that goes away cancels
     * it: its connection is closed at once instead of waiting for a provider answer nobody will read (up to the
     * call timeout), which for a slow provider and callers that retry would pile up connections to it. The call
     * has one clock, started when it is made: a name lookup, connecting and a retry all spend the same timeout.
     */
    public static final class Call extends Attempt {
        private final Callback callback;
        private boolean over;
        /** The connection of the attempt under way (perhaps still being made); null before one is chosen. */
        private Channel channel;
        private ScheduledFuture<?> deadline;

        Call(Callback callback) {
            this.callback = Objects.requireNonNull(callback, "callback");
        }

        void startClock(EventLoop loop, Duration timeout) {
            if (!timeout.isZero()) {
                deadline = loop.schedule(() -> end(new TimeoutException(timeout)), timeout.toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        }

        @Override
        Call call() {
            return this;
        }

        @Override
        public void onResponse(FullHttpResponse response) {
            if (over) {
                response.release();
                return;
            }
            over();
            callback.onResponse(response);
        }

        @Override
        public void onFailure(Throwable cause) {
            if (!over) {
                over();
                callback.onFailure(cause);
            }
        }

        /** Fails the call with {@link CancelledException} and closes its connection, unless it is over. */
        public void cancel() {
            end(new CancelledException());
        }

        /** Fails the call; its connection is closed, as it may be half-way through a request or an answer. */
        private void end(IOException cause) {
            if (over) {
                return;
            }
            over();
            if (channel != null) {
                channel.close();
            }
            callback.onFailure(cause);
        }

        private void over() {
            over = true;
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
    }

    /**
     * Fails the call on a 101 as soon as its head arrives: nothing here asks to switch protocols, and the decoder
     * would read what follows as a body without end (never aggregated, so no answer before the call timeout).
     */
    private static final class NoSwitch extends ChannelInboundHandlerAdapter {
        private boolean switched;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!switched && message instanceof HttpResponse response
                    && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                switched = true;
                ctx.fireExceptionCaught(new InvalidResponseException(
                        "It switched protocols (101), which was not asked for"));
            }
            if (switched) {
                ReferenceCountUtil.release(message);
            } else {
                ctx.fireChannelRead(message);
            }
        }
    }

    /** One pooled connection: at most one call at a time, answered or failed exactly once. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final Origin origin;
        private Channel channel;
        private Callback pending;

        Connection(Origin origin) {
            this.origin = origin;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        void begin(Callback callback) {
            pending = callback;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof FullHttpResponse response)) {
                ReferenceCountUtil.release(message);
                return;
            }
            String invalid = invalid(response);
            if (invalid != null) {
                // The decoder is out of step with the stream now: the connection is never used again.
                response.release();
                fail(new InvalidResponseException(invalid));
                return;
            }
            int status = response.status().code();
            if (status < 200 && status != 101) {
                // An interim answer (100 Continue, 103 Early Hints): the final one follows on this connection.
                response.release();
                return;
            }
            Callback callback = finish();
            if (callback == null) {
                response.release();
                channel.close();
                return;
            }
            if (HttpUtil.isKeepAlive(response) && channel.isActive()) {
                returnToPool();
            } else {
                channel.close();
            }
            callback.onResponse(response);
        }

        /** Why an answer cannot be used, in our words; null when it can. */
        private static String invalid(FullHttpResponse response) {
            if (!response.decoderResult().isSuccess()) {
                Throwable cause = response.decoderResult().cause();
                if (cause instanceof TooLongHttpHeaderException) {
                    return "Its headers are larger than " + MAX_RESPONSE_HEADER_BYTES / 1024 + " KiB";
                }
                if (cause instanceof TooLongHttpLineException) {
                    return "Its status line is too long";
                }
                return "It is not valid HTTP/1.1 (status line, header syntax or body length)";
            }
            int status = response.status().code();
            if (status < 100 || status > 599) {
                return "Its status " + status + " is outside 100-599";
            }
            return null;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent && pending == null) {
                channel.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new ClosedChannelException());
            ArrayDeque<Channel> queue = idle.get().get(origin);
            if (queue != null) {
                queue.remove(channel);
            }
        }

        void fail(Throwable cause) {
            Callback callback = finish();
            channel.close();
            if (callback != null) {
                callback.onFailure(cause);
            }
        }

        private Callback finish() {
            Callback callback = pending;
            pending = null;
            return callback;
        }

        private void returnToPool() {
            ArrayDeque<Channel> queue = idle.get().computeIfAbsent(origin, o -> new ArrayDeque<>());
            if (queue.size() >= MAX_IDLE_PER_ORIGIN) {
                channel.close();
            } else {
                queue.addFirst(channel);
            }
        }
    }
}
