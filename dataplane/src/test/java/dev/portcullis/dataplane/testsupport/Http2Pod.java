package dev.portcullis.dataplane.testsupport;

import dev.portcullis.dataplane.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * An HTTP/2-only pod (h2c with prior knowledge, or h2 over TLS when given a context with ALPN):
 * {@code /echo} answers with what it received (headers, body size, request trailers) and sends a
 * trailer of its own; {@code /hold} answers only once {@link #release()} is called, and counts how
 * many held streams each connection carried at once; {@code /bytes/N} answers N patterned bytes; {@code /goaway} and {@code /close} answer,
 * then end their connection with a GOAWAY or by closing it; {@code /refuse-once...} is refused
 * (REFUSED_STREAM) the first time each path is asked for; {@code /crc32} streams the request body
 * (of any size, never held whole) and answers its byte count and CRC32.
 */
public final class Http2Pod implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final Map<Channel, AtomicInteger> heldByConnection = new ConcurrentHashMap<>();
    private final AtomicInteger mostHeldOnOneConnection = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();

    private Http2Pod(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /** @param maxConcurrentStreams the SETTINGS_MAX_CONCURRENT_STREAMS the pod announces */
    public static Http2Pod start(SslContext tls, int maxConcurrentStreams) throws InterruptedException {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1);
        Http2Pod[] pod = new Http2Pod[1];
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel connection) {
                        pod[0].connections.add(connection);
                        if (tls != null) {
                            connection.pipeline().addLast(tls.newHandler(connection.alloc()));
                        }
                        connection.pipeline().addLast(
                                Http2FrameCodecBuilder.forServer().initialSettings(Http2Settings.defaultSettings()
                                        .maxConcurrentStreams(maxConcurrentStreams)).build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                                new Checksum(), new HttpObjectAggregator(16 * 1024 * 1024),
                                                pod[0].new Answer());
                                    }
                                }));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        pod[0] = new Http2Pod(group, server);
        return pod[0];
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** TCP connections the pod accepted. */
    public int connections() {
        return connections.size();
    }

    /** Streams waiting in {@code /hold} now. */
    public int held() {
        return held.get();
    }

    /** Requests that reached the pod's handler, refused ones included. */
    public int requests() {
        return requests.get();
    }

    public int mostHeldOnOneConnection() {
        return mostHeldOnOneConnection.get();
    }

    public void release() {
        release.countDown();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code /crc32}: the body is summed as it streams in; other requests go on to be aggregated. */
    private static final class Checksum extends ChannelInboundHandlerAdapter {
        private CRC32 crc;
        private long bytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request && request.uri().startsWith("/crc32")) {
                crc = new CRC32();
                bytes = 0;
            } else if (crc == null) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (msg instanceof HttpContent content) {
                bytes += content.content().readableBytes();
                crc.update(content.content().nioBuffer());
                if (content instanceof LastHttpContent) {
                    DefaultFullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            Unpooled.copiedBuffer("bytes: " + bytes + "\ncrc32: " + Long.toHexString(crc.getValue()) + "\n",
                                    StandardCharsets.UTF_8));
                    answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                    crc = null;
                    ctx.writeAndFlush(answer);
                }
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.incrementAndGet();
            if (request.uri().startsWith("/hold")) {
                Channel connection = ctx.channel().parent();
                int now = heldByConnection.computeIfAbsent(connection, c -> new AtomicInteger()).incrementAndGet();
                mostHeldOnOneConnection.accumulateAndGet(now, Math::max);
                held.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ctx.executor().execute(() -> {
                        heldByConnection.get(connection).decrementAndGet();
                        held.decrementAndGet();
                        answer(ctx, "held " + request.uri() + "\n");
                    });
                });
                return;
            }
            if (request.uri().startsWith("/bytes/")) {
                int size = Integer.parseInt(request.uri().substring("/bytes/".length()));
                DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                ctx.write(head);
                byte[] pattern = new byte[16384];
                for (int offset = 0; offset < size; offset += pattern.length) {
                    int length = Math.min(pattern.length, size - offset);
                    for (int i = 0; i < length; i++) {
                        pattern[i] = (byte) ((offset + i) % 251);
                    }
                    // One bulk write per chunk: under paranoid leak detection every ByteBuf call records a trace.
                    ctx.write(new DefaultHttpContent(ctx.alloc().buffer(length).writeBytes(pattern, 0, length)));
                }
                ctx.writeAndFlush(new DefaultLastHttpContent());
                return;
            }
            if (request.uri().startsWith("/refuse-once") && refused.add(request.uri())) {
                // RST_STREAM REFUSED_STREAM: "not processed, safe to retry" (RFC 9113 8.7).
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                return;
            }
            if (request.uri().startsWith("/goaway") || request.uri().startsWith("/close")) {
                // Answers, then ends the connection: gracefully (GOAWAY, as a pod shutting down) or abruptly.
                boolean graceful = request.uri().startsWith("/goaway");
                Channel connection = ctx.channel().parent();
                answer(ctx, "last on this connection\n").addListener(done -> {
                    if (graceful) {
                        connection.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                    } else {
                        connection.close();
                    }
                });
                return;
            }
            StringBuilder text = new StringBuilder("protocol: h2\nrequest: " + request.method() + " " + request.uri() + "\n");
            // Netty's conversion adds x-http2-* fields of its own (this pod's stream id...): not what was sent.
            request.headers().forEach(header -> {
                if (!header.getKey().startsWith("x-http2-")) {
                    text.append(header.getKey().toLowerCase()).append(": ").append(header.getValue()).append('\n');
                }
            });
            text.append("body-bytes: ").append(request.content().readableBytes()).append('\n');
            request.trailingHeaders().forEach(trailer -> text.append("request-trailer ")
                    .append(trailer.getKey().toLowerCase()).append(": ").append(trailer.getValue()).append('\n'));
            answer(ctx, text.toString());
        }

        private io.netty.channel.ChannelFuture answer(ChannelHandlerContext ctx, String text) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").set("x-pod", "h2");
            ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
            LastHttpContent end = new DefaultLastHttpContent();
            end.trailingHeaders().set("x-pod-trailer", "done");
            ctx.write(head);
            ctx.write(new DefaultHttpContent(body));
            return ctx.writeAndFlush(end);
        }
    }
}
