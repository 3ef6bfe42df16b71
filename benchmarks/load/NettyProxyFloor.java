import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayDeque;

/**
 * The least a JVM proxy can do, as a floor for Patchbay's proxy figures: Netty on native epoll, one event loop per
 * core, the client's and the upstream's connection on the same loop, upstream connections kept alive per loop, a
 * fixed Authorization header set. No authentication, no account, no masking, no metrics, no limits. Compiled and run
 * by server-bench.sh against the server jar's Netty.
 *
 * <p>Arguments: listen port, upstream port, Authorization header value.
 */
public final class NettyProxyFloor {
    private static final AttributeKey<Channel> CLIENT = AttributeKey.valueOf("client");
    private static final ThreadLocal<ArrayDeque<Channel>> IDLE = ThreadLocal.withInitial(ArrayDeque::new);

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        String authorization = args[2];
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new Client(upstreamPort, authorization));
                    }
                })
                .bind("127.0.0.1", port).sync();
    }

    private static final class Client extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int upstreamPort;
        private final String authorization;

        Client(int upstreamPort, String authorization) {
            this.upstreamPort = upstreamPort;
            this.authorization = authorization;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpRequest outgoing = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(),
                    request.uri(), request.content().retain());
            outgoing.headers().set(request.headers());
            outgoing.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
            outgoing.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + upstreamPort);
            Channel client = ctx.channel();
            Channel pooled = IDLE.get().pollFirst();
            if (pooled != null && pooled.isActive()) {
                send(pooled, outgoing, client);
                return;
            }
            new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(32 << 20),
                                    new Upstream());
                        }
                    })
                    .connect("127.0.0.1", upstreamPort)
                    .addListener((ChannelFutureListener) connected -> {
                        if (connected.isSuccess()) {
                            send(connected.channel(), outgoing, client);
                        } else {
                            outgoing.release();
                            client.close();
                        }
                    });
        }

        private static void send(Channel upstream, FullHttpRequest request, Channel client) {
            upstream.attr(CLIENT).set(client);
            upstream.writeAndFlush(request);
        }
    }

    private static final class Upstream extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Channel client = ctx.channel().attr(CLIENT).getAndSet(null);
            FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                    response.content().retain());
            answer.headers().set(response.headers());
            IDLE.get().addFirst(ctx.channel());
            client.writeAndFlush(answer);
        }
    }
}
