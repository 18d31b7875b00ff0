package dev.portcullis.dataplane.auth;

import dev.portcullis.dataplane.runtime.DaemonThreads;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.buffer.Unpooled;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Asks the external authentication service about one request, as ingress-nginx's
 * {@code auth_request} does: the request's method and headers (never its body) go to the service
 * with {@code X-Original-URL}, {@code X-Original-Method}, {@code X-Auth-Request-Redirect} and the
 * forwarded headers; the answer's status decides ({@link AuthDecisions}). A new connection per
 * subrequest (nginx's default, {@code auth-keepalive} 0), made on the client's event loop; a host
 * name is looked up on a resolver thread, never on an event loop. The callback runs on the event loop.
 */
public final class ExternalAuthClient {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_SECONDS = 60;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final ExecutorService RESOLVER = Executors.newFixedThreadPool(2, DaemonThreads.named("auth-resolver"));
    private static volatile SslContext tls;

    private ExternalAuthClient() {
    }

    /**
     * @param client      the client's channel (an HTTP/2 stream's or a connection's): its event loop runs the subrequest
     * @param request     the request head as it would go to the pod (forwarded headers set)
     * @param originalUrl {@code scheme://host/target} as the client asked
     * @param originalUri the request target as the client sent it
     */
    public static void ask(Channel client, ExternalAuthTarget auth, HttpRequest request, String originalUrl,
                           String originalUri, Consumer<AuthDecision> done) {
        EventLoop loop = client.eventLoop();
        FullHttpRequest subrequest = subrequest(auth, request, originalUrl, originalUri);
        Channel connection = client;
        while (connection.parent() != null && !(connection.parent() instanceof io.netty.channel.ServerChannel)) {
            connection = connection.parent(); // an HTTP/2 stream's connection
        }
        Class<? extends Channel> channelType = connection.getClass(); // a socket of the event loop's transport
        Consumer<AuthDecision> onLoop = decision -> {
            if (loop.inEventLoop()) {
                done.accept(decision);
            } else {
                loop.execute(() -> done.accept(decision));
            }
        };
        if (auth.literal() != null) {
            connect(loop, channelType, auth, new InetSocketAddress(auth.literal(), auth.port()), subrequest, originalUrl, onLoop);
            return;
        }
        RESOLVER.execute(() -> {
            try {
                InetAddress address = InetAddress.getByName(auth.host());
                loop.execute(() -> connect(loop, channelType, auth, new InetSocketAddress(address, auth.port()), subrequest,
                        originalUrl, onLoop));
            } catch (UnknownHostException e) {
                subrequest.release();
                onLoop.accept(AuthDecisions.unreachable("the authentication service's name " + auth.host() + " does not resolve"));
            }
        });
    }

    static FullHttpRequest subrequest(ExternalAuthTarget auth, HttpRequest request, String originalUrl, String originalUri) {
        FullHttpRequest subrequest = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, auth.method(), auth.target(),
                Unpooled.EMPTY_BUFFER);
        HttpHeaders headers = subrequest.headers();
        headers.set(request.headers());
        for (CharSequence name : List.of(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING,
                HttpHeaderNames.EXPECT, HttpHeaderNames.UPGRADE, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
                HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_AUTHORIZATION)) {
            headers.remove(name);
        }
        headers.set(HttpHeaderNames.HOST, auth.hostHeader());
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        headers.set("X-Original-URL", originalUrl);
        headers.set("X-Original-Method", request.method().name());
        headers.set("X-Auth-Request-Redirect", originalUri);
        headers.set("X-Sent-From", "portcullis");
        headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return subrequest;
    }

    private static void connect(EventLoop loop, Class<? extends Channel> channelType, ExternalAuthTarget auth,
                                InetSocketAddress address, FullHttpRequest subrequest, String originalUrl,
                                Consumer<AuthDecision> done) {
        SslContext context;
        try {
            context = auth.tls() ? tlsContext() : null;
        } catch (SSLException e) {
            subrequest.release();
            done.accept(AuthDecisions.unreachable("no TLS context for the authentication service: " + e.getMessage()));
            return;
        }
        AnswerHandler answer = new AnswerHandler(auth, originalUrl, done);
        new Bootstrap().group(loop).channel(channelType).resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (context != null) {
                            SslHandler handler = context.newHandler(channel.alloc(), auth.host(), auth.port());
                            SSLParameters parameters = handler.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            handler.engine().setSSLParameters(parameters);
                            channel.pipeline().addLast(handler);
                        }
                        channel.pipeline().addLast(new HttpClientCodec(4096, MAX_HEADER_BYTES, 8192),
                                new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), answer);
                    }
                })
                .connect(address).addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        subrequest.release();
                        answer.fail("cannot connect to the authentication service " + address + ": " + connected.cause());
                        return;
                    }
                    connected.channel().writeAndFlush(subrequest).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                });
    }

    private static SslContext tlsContext() throws SSLException {
        SslContext context = tls;
        if (context == null) {
            synchronized (ExternalAuthClient.class) {
                if (tls == null) {
                    tls = SslContextBuilder.forClient().build(); // the platform's trusted CAs
                }
                context = tls;
            }
        }
        return context;
    }

    /** Reads the service's answer head, drops its body, and decides once. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final ExternalAuthTarget auth;
        private final String originalUrl;
        private final Consumer<AuthDecision> done;
        private HttpResponse head;
        private boolean decided;

        AnswerHandler(ExternalAuthTarget auth, String originalUrl, Consumer<AuthDecision> done) {
            this.auth = auth;
            this.originalUrl = originalUrl;
            this.done = done;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
            if (message instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    fail("the authentication service sent a malformed answer");
                    ctx.close();
                    return;
                }
                head = response;
            }
            if (message instanceof LastHttpContent && head != null && head.status().code() >= 200) {
                decide(AuthDecisions.of(auth, head, originalUrl));
                ctx.close();
            } else if (message instanceof LastHttpContent) {
                head = null; // an interim answer (100): the final one follows
            }
        }

        void fail(String why) {
            decide(AuthDecisions.unreachable(why));
        }

        private void decide(AuthDecision decision) {
            if (!decided) {
                decided = true;
                done.accept(decision);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("the authentication service closed the connection before answering");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail("the authentication service failed: " + cause);
            ctx.close();
        }
    }

    /** Kept for symmetry with the answer's headers: each header as it came. */
    static List<Map.Entry<String, String>> entries(HttpHeaders headers, CharSequence name) {
        return headers.getAll(name).stream().map(value -> Map.entry(name.toString(), value)).toList();
    }
}
