package io.patchbay.server.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import io.patchbay.server.http.RequestLog;
import io.patchbay.server.http.RequestShape;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP listener. The routes it is given (the proxy) are served on its event loops; every other request
 * is relayed to the API server on loopback, unchanged. {@link #close(Duration)} stops accepting, lets requests in
 * flight finish, then closes the connections.
 */
public final class Edge {
    private static final Logger LOG = LoggerFactory.getLogger(Edge.class);
    /** Request line and header block limits, as Jetty's defaults: 414 and 431 beyond them. */
    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEADER_BLOCK = 8 * 1024;
    /**
     * Route labels of the requests the listener refuses itself (a small fixed set, so metric series stay
     * bounded): not valid HTTP/1.1 or a path that is not valid; timed out, too large or an unmet expectation; the
     * API server not reachable, or its answer not one that can be passed on.
     */
    static final String MALFORMED = "malformed";
    static final String REFUSED = "refused";
    static final String UNAVAILABLE = "unavailable";

    private final Channel listener;
    private final ChannelGroup connections;
    private final AtomicInteger inFlight;
    private final AtomicBoolean closing;

    private Edge(Channel listener, ChannelGroup connections, AtomicInteger inFlight, AtomicBoolean closing) {
        this.listener = listener;
        this.connections = connections;
        this.inFlight = inFlight;
        this.closing = closing;
    }

    /**
     * What a client may do on a connection.
     *
     * @param maxRequestBytes largest request body; 413 beyond it
     * @param idleTimeout     a connection with no request in flight and no traffic this long is closed, and one
     *                        whose client reads nothing of its answer this long
     * @param requestTimeout  a request must arrive whole (headers and body) this soon after its first byte; 408
     */
    public record Limits(int maxRequestBytes, Duration idleTimeout, Duration requestTimeout) {
        public Limits {
            if (maxRequestBytes < 1) {
                throw new IllegalArgumentException("maxRequestBytes: must be positive, got " + maxRequestBytes);
            }
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (idleTimeout.isNegative() || idleTimeout.isZero() || requestTimeout.isNegative()
                    || requestTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout and requestTimeout: must be positive, got "
                        + idleTimeout + " and " + requestTimeout);
            }
        }
    }

    /**
     * Binds {@code host:port} (0 picks a free port).
     *
     * @param routes requests served here; the rest goes to {@code api}
     * @param log      where the requests the listener refuses itself are recorded (not valid HTTP/1.1, timed out,
     *                 too large), as no route or API server sees them
     * @param browsers the web origins whose pages may read the listener's own refusals
     */
    public static Edge start(EdgeIo io, String host, int port, Limits limits, List<EdgeRoute> routes, ApiRelay api,
                             RequestLog log, BrowserOrigins browsers) {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(browsers, "browsers");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(log, "log");
        ChannelGroup connections = new DefaultChannelGroup("edge", GlobalEventExecutor.INSTANCE);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicBoolean closing = new AtomicBoolean();
        List<EdgeRoute> served = List.copyOf(routes);
        ChannelFuture bound = new ServerBootstrap()
                .group(io.group())
                .channel(io.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        ClientTimeouts timeouts = new ClientTimeouts(limits.idleTimeout(), limits.requestTimeout(),
                                log);
                        channel.pipeline().addLast(timeouts,
                                new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADER_BLOCK, 8192),
                                new BodyLimit(limits.maxRequestBytes()),
                                new Requests(served, api, inFlight, closing, timeouts, log, browsers));
                    }
                })
                .bind(new InetSocketAddress(host, port))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            // Unchecked and with the address: Netty's own failure is a checked exception thrown unchecked, which
            // callers catching RuntimeException would miss (the start hung on its other threads).
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + ": " + why(bound.cause()),
                    bound.cause());
        }
        return new Edge(bound.channel(), connections, inFlight, closing);
    }

    private static String why(Throwable cause) {
        if (cause instanceof UnresolvedAddressException) {
            return "the host name does not resolve";
        }
        if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
            return "the port is in use";
        }
        return cause.toString();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting, waits up to {@code timeout} for requests in flight, then closes every connection. */
    public void close(Duration timeout) {
        closing.set(true);
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warn("{} request(s) still running after {} ms; closing their connections", inFlight.get(),
                    timeout.toMillis());
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Bodies over the limit get the API's 413 problem, whether announced with {@code Expect: 100-continue} or sent
     * outright, and an expectation other than {@code 100-continue} the 417 one. After a body sent outright with its
     * length, a keep-alive connection stays open: the rest of the body is read and dropped, never held, so the client
     * is not cut off (a reset) while it is still sending. After a refused expectation the connection closes once
     * answered: the client may send its body or wait for the answer (both are allowed), so no byte after the header
     * block can be known for the start of a next request. (Netty's own handling takes the next bytes for one, which
     * let a body carry a request in: to the server, or, through a shared proxy connection, another client's answer
     * to this one.) Nothing is written from here: Netty's aggregator would write its refusals and {@code 100 Continue} at
     * once, ahead of answers still owed to pipelined requests before. They go up to {@link Requests} instead, a
     * {@link Refused} request or {@link ContinueWanted}, and leave in their turn.
     */
    private static final class BodyLimit extends HttpObjectAggregator {
        private static final ApiException EXPECTATION_FAILED = new ApiException(417, "expectation_failed",
                "Expectation failed", "The only expectation the server meets is 'Expect: 100-continue'");

        /** What decoding the current message hands up after it: a refusal, or a 100 Continue to send in turn. */
        private Object handUp;

        BodyLimit(int maxRequestBytes) {
            super(maxRequestBytes);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, HttpObject message, List<Object> out) throws Exception {
            if (message instanceof HttpRequest start && !(start instanceof FullHttpMessage)
                    && start.decoderResult().isSuccess() && unsupportedExpectation(start)) {
                // Refused before its body; whatever body comes is framed by its length as usual and dropped (no
                // message is being aggregated), until the connection closes after the answer.
                out.add(new Refused(start, EXPECTATION_FAILED, false));
                return;
            }
            if (message instanceof HttpContent content && !(message instanceof HttpMessage)
                    && content.decoderResult().isFailure()
                    && !(content.decoderResult().cause() instanceof BodyFramingException)) {
                // The decoder's failures in a body are its chunk framing's: a line too long there is a chunk size
                // line or a trailer, not the request line or the headers the client is told about otherwise.
                content.setDecoderResult(DecoderResult.failure(
                        new BodyFramingException(content.decoderResult().cause())));
            }
            super.decode(ctx, message, out);
            if (handUp != null) {
                out.add(handUp);
                handUp = null;
            } else if (out.isEmpty() && message instanceof LastHttpContent && !(message instanceof FullHttpMessage)) {
                // The end of a refused body, read and dropped here: the request clock its reads started stops.
                out.add(BodyDropped.INSTANCE);
            }
        }

        /** As Netty's own test, which is not public: HTTP/1.1 has expectations, and one other than 100-continue. */
        private static boolean unsupportedExpectation(HttpRequest start) {
            String expect = start.headers().get(HttpHeaderNames.EXPECT);
            return expect != null && start.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0
                    && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect);
        }

        /**
         * Netty writes what this returns at once; nothing is returned. A body too large is refused next by the
         * aggregator's length check, in {@link #handleOversizedMessage}; the 100 Continue is handed up.
         */
        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            if (!start.decoderResult().isSuccess() || !HttpUtil.is100ContinueExpected(start)) {
                // Nothing to continue; a malformed start (a Content-Length that is no number) is answered as such.
                return null;
            }
            if (HttpUtil.getContentLength(start, -1L) > maxContentLength) {
                // Left to the length check, without Netty's refusal, which would tell the decoder no body follows.
                return null;
            }
            Object response = super.newContinueResponse(start, maxContentLength, pipeline);
            if (response instanceof HttpResponse answer && answer.status().code() == 100
                    && start.decoderResult().isSuccess()) {
                handUp = ContinueWanted.INSTANCE;
            }
            ReferenceCountUtil.release(response);
            return null;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // A body sent in chunks was partly read: where it ends is not known, so the connection closes after;
            // so it does when the client may be waiting for a 100 Continue rather than sending the body.
            boolean keepAlive = HttpUtil.isKeepAlive(oversized) && !(oversized instanceof FullHttpMessage)
                    && !HttpUtil.is100ContinueExpected(oversized);
            handUp = new Refused((HttpRequest) oversized, Problems.bodyTooLarge(), keepAlive);
        }
    }

    /**
     * A request refused before its body was read, standing in the queue for it with its method, target and headers
     * (for the log and the browser origin), no body, and its start's decoding result: one that was malformed too
     * (a bad header beside a large length) is answered as malformed, and its connection closes.
     */
    private static final class Refused extends DefaultFullHttpRequest {
        private final ApiException problem;
        private final boolean keepAlive;

        Refused(HttpRequest start, ApiException problem, boolean keepAlive) {
            super(start.protocolVersion(), start.method(), start.uri(), Unpooled.EMPTY_BUFFER,
                    start.headers().copy(), new DefaultHttpHeaders());
            setDecoderResult(start.decoderResult());
            this.problem = Objects.requireNonNull(problem, "problem");
            this.keepAlive = keepAlive;
        }
    }

    /** The chunked framing of a request body could not be read: a chunk size line or trailer too long, or garbled. */
    private static final class BodyFramingException extends DecoderException {
        BodyFramingException(Throwable cause) {
            super(cause);
        }

        boolean tooLong() {
            return getCause() instanceof TooLongFrameException;
        }
    }

    /** A request announced its body with {@code Expect: 100-continue}, which the client waits for. */
    private enum ContinueWanted {
        INSTANCE
    }

    /** The last of a refused request's body was read and dropped. */
    private enum BodyDropped {
        INSTANCE
    }

    /**
     * One per connection: one request at a time. Requests a client pipelines wait their turn, so answers leave in
     * request order, refusals and {@code 100 Continue} included; reading pauses only while some wait (pausing costs
     * system calls, which one-at-a-time clients, nearly all of them, never pay).
     */
    private static final class Requests extends ChannelInboundHandlerAdapter {
        private final List<EdgeRoute> routes;
        private final ApiRelay api;
        private final AtomicInteger inFlight;
        private final AtomicBoolean closing;
        private final ClientTimeouts timeouts;
        private final RequestLog log;
        private final BrowserOrigins browsers;
        private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
        private boolean busy;
        /** The exchange being served, while {@link #busy}. */
        private Exchange current;
        /** The request now arriving waits for a 100 Continue, held back while earlier answers are owed. */
        private boolean continueHeld;
        /** An answer closed the connection: requests still decoded after it are dropped. */
        private boolean ended;

        Requests(List<EdgeRoute> routes, ApiRelay api, AtomicInteger inFlight, AtomicBoolean closing,
                 ClientTimeouts timeouts, RequestLog log, BrowserOrigins browsers) {
            this.routes = routes;
            this.api = api;
            this.inFlight = inFlight;
            this.closing = closing;
            this.timeouts = timeouts;
            this.log = log;
            this.browsers = browsers;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof FullHttpRequest request) {
                received(ctx, request);
            } else if (message == ContinueWanted.INSTANCE) {
                if (busy) {
                    continueHeld = true;
                } else {
                    sendContinue(ctx);
                }
            } else if (message == BodyDropped.INSTANCE) {
                timeouts.requestReceived();
            } else {
                ctx.fireChannelRead(message); // released at the pipeline's end
            }
        }

        private void received(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (ended) {
                // Decoded from what was already read after an answer that closes the connection: never served, as
                // its answer could not be sent.
                request.release();
                return;
            }
            timeouts.requestReceived();
            // Its body came, or it was refused: a 100 Continue held back for it is due no more.
            continueHeld = false;
            if (busy) {
                waiting.add(request);
                ctx.channel().config().setAutoRead(false);
            } else {
                serve(ctx, request);
            }
        }

        private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
            busy = true;
            timeouts.exchangeStarted();
            inFlight.incrementAndGet();
            ApiException refusal;
            boolean keepAlive;
            boolean refusedBody = request instanceof Refused && request.decoderResult().isSuccess();
            if (refusedBody) {
                refusal = ((Refused) request).problem;
                keepAlive = ((Refused) request).keepAlive;
            } else {
                refusal = request.decoderResult().isSuccess() ? RequestForm.refusal(request)
                        : malformed(request.decoderResult().cause());
                // After a refusal the connection closes: what follows may not be a request at all (a tunnel,
                // HTTP/2), or, after a malformed one, be dropped by the decoder.
                keepAlive = refusal == null && HttpUtil.isKeepAlive(request);
            }
            Exchange exchange = new Exchange(ctx, request, keepAlive && !closing.get(), log, browsers,
                    open -> done(ctx, open));
            current = exchange;
            if (refusal != null) {
                // Too large to read (a body, the request line, the headers) is a limit of ours, not bad HTTP.
                exchange.refuse(refusal, refusedBody || tooLarge(refusal.status()) ? REFUSED : MALFORMED);
                return;
            }
            try {
                for (EdgeRoute route : routes) {
                    if (route.handle(exchange)) {
                        return;
                    }
                }
                // Refused here, as a problem: the API server's own refusal would be an HTML page.
                RequestShape.checkPath(exchange.path());
                api.relay(exchange);
            } catch (RuntimeException e) {
                ApiException problem = Problems.toProblem(e, false,
                        RequestLog.where(request.method().name(), exchange.path()));
                exchange.refuse(problem, problem.status() < 500 ? MALFORMED : UNAVAILABLE);
            }
        }

        private void done(ChannelHandlerContext ctx, boolean open) {
            inFlight.decrementAndGet();
            busy = false;
            current = null;
            timeouts.exchangeDone();
            if (open && timeouts.requestExpired()) {
                ctx.close();
                open = false;
            }
            FullHttpRequest next = waiting.poll();
            if (!open) {
                ended = true;
                for (; next != null; next = waiting.poll()) {
                    next.release();
                }
            } else if (next != null) {
                serve(ctx, next);
            } else {
                if (continueHeld) {
                    continueHeld = false;
                    sendContinue(ctx);
                }
                if (!ctx.channel().config().isAutoRead()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        /** Tells a client that announced its body to send it; only with no earlier answer owed. */
        private static void sendContinue(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (current != null) {
                current.clientGone();
            }
            for (FullHttpRequest next = waiting.poll(); next != null; next = waiting.poll()) {
                next.release();
            }
            ctx.fireChannelInactive();
        }

        private static boolean tooLarge(int status) {
            return status == 413 || status == 414 || status == 431;
        }

        private static ApiException malformed(Throwable cause) {
            if (cause instanceof BodyFramingException body) {
                return new ApiException(400, "malformed_request", "Malformed request", body.tooLong()
                        ? "A chunk size line or trailer of the request body is longer than " + MAX_REQUEST_LINE
                        + " bytes" : "The request body's chunked framing is not valid");
            }
            if (cause instanceof TooLongHttpLineException) {
                return new ApiException(414, "uri_too_long", "URI too long", "The request line is longer than "
                        + MAX_REQUEST_LINE + " bytes");
            }
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                return new ApiException(431, "headers_too_large", "Request headers too large",
                        "The request headers are larger than " + MAX_HEADER_BLOCK + " bytes");
            }
            return new ApiException(400, "malformed_request", "Malformed request",
                    "The request is not valid HTTP/1.1");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Resets and broken pipes from clients that went away: nothing to answer.
            LOG.debug("Connection failed: {}", cause.toString());
            ctx.close();
        }
    }
}
