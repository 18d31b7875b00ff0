package dev.portcullis.dataplane.demo;

import dev.portcullis.dataplane.proxy.RequestTarget;
import dev.portcullis.dataplane.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 backend for the demo and the tests. It answers every request with its own name,
 * the request line, the size and SHA-256 of the body it received (streamed, never buffered), and
 * the request headers, and how many requests its connection has carried (which shows keep-alive
 * pooling). {@code GET /bytes/N} instead streams N bytes of the pattern {@code i % 251}.
 */
public final class EchoBackend implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final String name;
    private final EventLoopGroup group;
    private final Channel channel;

    private EchoBackend(String name, EventLoopGroup group, Channel channel) {
        this.name = name;
        this.group = group;
        this.channel = channel;
    }

    public static EchoBackend start(String name, String bindAddress, int port) throws InterruptedException {
        return start(name, bindAddress, port, null, false);
    }

    /**
     * A backend that speaks TLS with {@code tls} (a server context; one that requires client
     * certificates makes an mTLS pod) and, when {@code proxyProtocol}, first reads a PROXY v1/v2
     * header; the answer then also shows the header and the client certificate it received.
     */
    public static EchoBackend start(String name, String bindAddress, int port, SslContext tls, boolean proxyProtocol)
            throws InterruptedException {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1);
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                        EchoHandler echo = new EchoHandler(name);
                        if (proxyProtocol) {
                            child.pipeline().addLast(new HAProxyMessageDecoder(), new ProxyHeaderRecorder(echo));
                        }
                        if (tls != null) {
                            child.pipeline().addLast(tls.newHandler(child.alloc()));
                        }
                        child.pipeline().addLast(new HttpServerCodec(), echo);
                    }
                })
                .bind(bindAddress, port).sync().channel();
        return new EchoBackend(name, group, channel);
    }

    /** Keeps the PROXY header for the echo, and passes everything after it on. */
    private static final class ProxyHeaderRecorder extends ChannelInboundHandlerAdapter {
        private final EchoHandler echo;

        ProxyHeaderRecorder(EchoHandler echo) {
            this.echo = echo;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HAProxyMessage header) {
                echo.proxyHeader = header.protocolVersion() + " " + header.proxiedProtocol() + " "
                        + header.sourceAddress() + ":" + header.sourcePort() + " -> "
                        + header.destinationAddress() + ":" + header.destinationPort();
                header.release();
                ctx.pipeline().remove(this);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection's exchanges: count and hash the body, then answer. */
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final String name;
        private HttpRequest request;
        private MessageDigest bodyDigest;
        private long bodyBytes;
        private long bytesToSend;
        private long bytesSent;
        private boolean keepAlive;
        private int requestsOnConnection;
        private String proxyHeader;

        EchoHandler(String name) {
            this.name = name;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest head) {
                request = head;
                requestsOnConnection++;
                bodyBytes = 0;
                bodyDigest = sha256();
                keepAlive = HttpUtil.isKeepAlive(head);
            }
            if (msg instanceof HttpContent content) {
                ByteBuf body = content.content();
                bodyBytes += body.readableBytes();
                bodyDigest.update(body.nioBuffer());
                content.release();
                if (content instanceof LastHttpContent) {
                    respond(ctx);
                }
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            String path = RequestTarget.path(request.uri());
            if (path.startsWith("/bytes/")) {
                bytesToSend = Long.parseLong(path.substring("/bytes/".length()));
                bytesSent = 0;
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                        .set(HttpHeaderNames.CONTENT_LENGTH, bytesToSend)
                        .set("x-backend", name);
                HttpUtil.setKeepAlive(head, keepAlive);
                ctx.write(head);
                sendMoreBytes(ctx);
                return;
            }
            StringBuilder text = new StringBuilder()
                    .append("backend: ").append(name).append('\n')
                    .append("request: ").append(request.method()).append(' ').append(request.uri()).append(' ')
                    .append(request.protocolVersion()).append('\n')
                    .append("connection-request: ").append(requestsOnConnection).append('\n')
                    .append(proxyHeader == null ? "" : "proxy-header: " + proxyHeader + "\n")
                    .append(clientCertificate(ctx))
                    .append("body-bytes: ").append(bodyBytes).append('\n')
                    .append("body-sha256: ").append(HexFormat.of().formatHex(bodyDigest.digest())).append('\n')
                    .append("headers:\n");
            for (Map.Entry<String, String> header : request.headers()) {
                text.append("  ").append(header.getKey().toLowerCase(java.util.Locale.ROOT)).append(": ")
                        .append(header.getValue()).append('\n');
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    ctx.alloc().buffer(bytes.length).writeBytes(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                    .set("x-backend", name);
            HttpUtil.setKeepAlive(response, keepAlive);
            finish(ctx.writeAndFlush(response));
        }

        private static String clientCertificate(ChannelHandlerContext ctx) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls == null) {
                return "";
            }
            try {
                var peer = (java.security.cert.X509Certificate) tls.engine().getSession().getPeerCertificates()[0];
                return "tls-client-certificate: " + peer.getSubjectX500Principal().getName() + "\n";
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                return "tls-client-certificate: none\n";
            }
        }

        private void sendMoreBytes(ChannelHandlerContext ctx) {
            while (bytesSent < bytesToSend && ctx.channel().isWritable()) {
                int size = (int) Math.min(CHUNK, bytesToSend - bytesSent);
                byte[] pattern = new byte[size];
                for (int i = 0; i < size; i++) {
                    pattern[i] = (byte) ((bytesSent + i) % 251);
                }
                bytesSent += size;
                ctx.write(new DefaultHttpContent(ctx.alloc().buffer(size).writeBytes(pattern)));
            }
            if (bytesSent == bytesToSend) {
                bytesToSend = 0;
                finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            } else {
                ctx.flush();
            }
        }

        private void finish(io.netty.channel.ChannelFuture written) {
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && bytesToSend > 0) {
                sendMoreBytes(ctx);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
