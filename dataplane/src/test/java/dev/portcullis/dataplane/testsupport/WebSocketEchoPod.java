package dev.portcullis.dataplane.testsupport;

import dev.portcullis.dataplane.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket pod: at {@code /ws} it echoes text and binary messages (up to 4 MiB), answers pings
 * and closes as RFC 6455 says (Netty's server protocol handler); over TLS when given a context.
 */
public final class WebSocketEchoPod implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicInteger handshakes = new AtomicInteger();

    private WebSocketEchoPod(SslContext tls) throws InterruptedException {
        Transport transport = Transport.best();
        group = transport.newGroup(1);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").maxFramePayloadLength(4 << 20).handleCloseFrames(true).build();
        channel = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                        if (tls != null) {
                            child.pipeline().addLast(tls.newHandler(child.alloc()));
                        }
                        child.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(config), new Echo());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public static WebSocketEchoPod start(SslContext tls) throws InterruptedException {
        return new WebSocketEchoPod(tls);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Completed WebSocket handshakes. */
    public int handshakes() {
        return handshakes.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                handshakes.incrementAndGet();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(frame.retainedDuplicate());
            }
        }
    }
}
