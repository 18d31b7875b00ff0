package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.server.Transport;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.testsupport.WebSocketEchoPod;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 8441: a WebSocket over an HTTP/2 stream (extended CONNECT with {@code :protocol websocket})
 * reaches an HTTP/1.1 WebSocket pod as an Upgrade, and frames cross both ways as DATA frames.
 */
class WebSocketOverHttp2Test {

    private static final CertificateAuthority EDGE_CA = CertificateAuthority.create("edge CA", KeyType.EC_P256);
    private static WebSocketEchoPod pod;
    private static TestDataPlane dataPlane;
    private static EventLoopGroup group;

    @BeforeAll
    @Timeout(60)
    static void start() throws Exception {
        pod = WebSocketEchoPod.start(null);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "edge",
                        List.of(new Route(PathMatch.prefix("/"), "ws")), false)),
                List.of(new Cluster("ws", List.of(new Endpoint("127.0.0.1", pod.address().getPort(), true)))),
                List.of(certificate("edge", EDGE_CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))), null));
        group = Transport.best().newGroup(1);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        pod.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aWebSocketOverAnHttp2StreamEchoesAndCloses() throws Exception {
        CompletableFuture<Http2SettingsFrame> settings = new CompletableFuture<>();
        Channel connection = connect(settings);
        try {
            assertThat(settings.get(10, TimeUnit.SECONDS).settings().connectProtocolEnabled())
                    .as("SETTINGS_ENABLE_CONNECT_PROTOCOL").isTrue();
            LinkedBlockingQueue<Object> heard = new LinkedBlockingQueue<>();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2DataFrame data) {
                        heard.add(data.content().toString(StandardCharsets.ISO_8859_1));
                        ReferenceCountUtil.release(data);
                        if (data.isEndStream()) {
                            heard.add("END_STREAM");
                        }
                    } else {
                        heard.add(msg);
                    }
                }
            }).open().get(10, TimeUnit.SECONDS);
            Http2Headers connect = new DefaultHttp2Headers().method("CONNECT").scheme("https")
                    .authority("app.example.test").path("/ws");
            connect.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
            connect.set("sec-websocket-version", "13");
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(connect, false)).get(10, TimeUnit.SECONDS);

            Object response = heard.poll(10, TimeUnit.SECONDS);
            assertThat(response).isInstanceOf(Http2HeadersFrame.class);
            assertThat(((Http2HeadersFrame) response).headers().status().toString()).isEqualTo("200");
            assertThat(((Http2HeadersFrame) response).isEndStream()).isFalse();

            stream.writeAndFlush(new DefaultHttp2DataFrame(maskedText("hello over h2"))).get(10, TimeUnit.SECONDS);
            assertThat(readFrames(heard, 2 + "hello over h2".length())).as("the pod's unmasked echo")
                    .isEqualTo("\u0081" + (char) "hello over h2".length() + "hello over h2");

            stream.writeAndFlush(new DefaultHttp2DataFrame(maskedClose(), true)).get(10, TimeUnit.SECONDS);
            assertThat(readFrames(heard, 4)).as("the pod's close frame, status 1000").isEqualTo("\u0088\u0002\u0003\u00e8");
            Object end;
            do {
                end = heard.poll(10, TimeUnit.SECONDS);
            } while (end != null && !"END_STREAM".equals(end));
            assertThat(end).as("the stream ends once the pod closes").isEqualTo("END_STREAM");
            assertThat(pod.handshakes()).isGreaterThanOrEqualTo(1);
        } finally {
            connection.close();
        }
    }

    private static String readFrames(LinkedBlockingQueue<Object> heard, int length) throws InterruptedException {
        StringBuilder bytes = new StringBuilder();
        while (bytes.length() < length) {
            Object next = heard.poll(10, TimeUnit.SECONDS);
            assertThat(next).as("DATA within 10 s (got so far: %s)", bytes).isInstanceOf(String.class);
            if (!"END_STREAM".equals(next)) {
                bytes.append(next);
            }
        }
        return bytes.toString();
    }

    /** A client WebSocket text frame, masked as RFC 6455 requires of clients. */
    private static ByteBuf maskedText(String text) {
        return masked(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuf maskedClose() {
        return masked(0x88, new byte[]{0x03, (byte) 0xe8});
    }

    private static ByteBuf masked(int opcode, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteBuf frame = Unpooled.buffer();
        frame.writeByte(opcode).writeByte(0x80 | payload.length).writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.writeByte(payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static Channel connect(CompletableFuture<Http2SettingsFrame> settings) throws Exception {
        SslContext tls = SslContextBuilder.forClient().trustManager(EDGE_CA.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        return new Bootstrap().group(group).channel(Transport.best().clientChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(tls.newHandler(channel.alloc(), "app.example.test", dataPlane.httpsPort()),
                                Http2FrameCodecBuilder.forClient().build(),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof Http2SettingsFrame frame) {
                                            settings.complete(frame);
                                        }
                                        ctx.fireChannelRead(msg);
                                    }
                                },
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect("127.0.0.1", dataPlane.httpsPort()).sync().channel();
    }
}
