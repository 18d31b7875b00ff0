package dev.portcullis.dataplane.upstream;

import dev.portcullis.dataplane.proxy.Http2Codecs;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Multiplexed HTTP/2 connections to endpoints: h2c with prior knowledge, or h2 chosen by ALPN over
 * the cluster's verified TLS. Per event loop and endpoint (and TLS context) there are as many
 * connections as the endpoint's SETTINGS_MAX_CONCURRENT_STREAMS requires; each exchange gets a
 * stream of its own, an {@link Http2StreamChannel} whose pipeline turns frames into HttpObjects and
 * back, and ends in an {@link UpstreamHandler}: to the proxy a stream looks like an HTTP/1.1
 * connection that serves one exchange. The stream's writability follows its flow-control window,
 * and it reads only when asked, so both directions keep their backpressure.
 *
 * <p>A connection takes streams once the endpoint's first SETTINGS has arrived (so its stream limit
 * is known), and none after a GOAWAY: the streams it already carries finish, then it closes. A
 * connection without streams closes after {@value UpstreamConnections#IDLE_SECONDS} s of silence.
 */
final class Http2Upstreams {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Upstreams.class);

    /** Our own cap on concurrent streams per connection, whatever the endpoint allows. */
    static final int MAX_STREAMS_PER_CONNECTION = 1000;
    /** Exchanges that may wait for a new connection's SETTINGS (RFC 9113 suggests allowing at least 100 streams). */
    static final int WAITERS_PER_NEW_CONNECTION = 100;
    /** Largest response head accepted from an endpoint, as for HTTP/1.1 endpoints. */
    static final int MAX_HEADER_LIST_BYTES = 65536;
    /**
     * What an endpoint may send on one stream before the proxy has passed it on to the client. The
     * protocol's default (64 KiB) caps a stream at one window per round trip to the endpoint; the
     * stream reads only while its client keeps up, so this is also the most a slow client makes the
     * proxy hold per exchange.
     */
    static final int STREAM_WINDOW_BYTES = 1024 * 1024;
    /** The same for all streams of a connection together, so that one stalled stream does not stall the rest. */
    static final int CONNECTION_WINDOW_BYTES = 8 * STREAM_WINDOW_BYTES;

    private record PoolKey(InetSocketAddress endpoint, SslContext tls) {
    }

    private final Bootstrap template;
    private final FastThreadLocal<Map<PoolKey, List<Connection>>> byLoop = new FastThreadLocal<>() {
        @Override
        protected Map<PoolKey, List<Connection>> initialValue() {
            return new HashMap<>();
        }
    };

    Http2Upstreams(Class<? extends Channel> channelType) {
        this.template = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /** As {@link UpstreamConnections#acquire}: must run on {@code loop}, and calls back there. */
    void acquire(EventLoop loop, InetSocketAddress endpoint, UpstreamCluster cluster, boolean allowReuse,
                 UpstreamConnections.Callback callback) {
        PoolKey key = new PoolKey(endpoint, cluster.upstreamSsl());
        List<Connection> connections = byLoop.get().computeIfAbsent(key, k -> new ArrayList<>());
        if (allowReuse) {
            for (Connection connection : connections) {
                if (connection.hasRoom()) {
                    connection.openStream(callback, true);
                    return;
                }
            }
            for (Connection connection : connections) {
                if (!connection.ready && connection.waiters.size() < WAITERS_PER_NEW_CONNECTION) {
                    connection.waiters.add(callback);
                    return;
                }
            }
        }
        Connection connection = new Connection(key, cluster, connections);
        connections.add(connection);
        connection.waiters.add(callback);
        connection.connect(loop);
    }

    /** One HTTP/2 connection to an endpoint and the streams it carries. */
    private final class Connection {
        private final PoolKey key;
        private final UpstreamCluster cluster;
        private final List<Connection> pool;
        private final ArrayDeque<UpstreamConnections.Callback> waiters = new ArrayDeque<>();
        private Channel channel;
        private Http2FrameCodec codec;
        private Http2StreamChannelBootstrap streams;
        private int openStreams;
        /** The endpoint's first SETTINGS has arrived: its stream limit is known. */
        private boolean ready;
        /** GOAWAY received, or the connection closed: no new streams. */
        private boolean draining;

        Connection(PoolKey key, UpstreamCluster cluster, List<Connection> pool) {
            this.key = key;
            this.cluster = cluster;
            this.pool = pool;
        }

        void connect(EventLoop loop) {
            codec = Http2Codecs.forClient()
                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).maxHeaderListSize(MAX_HEADER_LIST_BYTES)
                            .initialWindowSize(STREAM_WINDOW_BYTES))
                    .build();
            ChannelFuture connect = template.clone(loop)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, cluster.connectTimeoutMillis())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (key.tls() != null) {
                                ch.pipeline().addLast(key.tls().newHandler(ch.alloc(), cluster.upstreamServerName(),
                                        key.endpoint().getPort()));
                            }
                            ch.pipeline().addLast(
                                    new IdleStateHandler(0, 0, UpstreamConnections.IDLE_SECONDS, TimeUnit.SECONDS),
                                    // Streams open in the reads of client connections, each with a flush:
                                    // one write to the endpoint per request would undo multiplexing. A flush
                                    // made outside a read of this connection waits until the event loop's
                                    // current batch of events is done, as on the client side (HttpPipeline).
                                    new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                                    codec,
                                    new Http2MultiplexHandler(RefusePushedStreams.INSTANCE),
                                    new Watcher());
                        }
                    })
                    .connect(key.endpoint());
            channel = connect.channel();
            connect.addListener(done -> {
                if (!done.isSuccess()) {
                    failed(done.cause());
                    return;
                }
                SslHandler tls = channel.pipeline().get(SslHandler.class);
                if (tls != null) {
                    tls.handshakeFuture().addListener(handshake -> {
                        if (!handshake.isSuccess()) {
                            failed(handshake.cause());
                        } else if (!ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                            failed(new SSLHandshakeException("endpoint did not choose h2 by ALPN (chose "
                                    + tls.applicationProtocol() + ")"));
                        }
                    });
                }
            });
            streams = new Http2StreamChannelBootstrap(channel)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false),
                                    ResponseFrames.INSTANCE, new UpstreamHandler(key));
                        }
                    });
        }

        int limit() {
            return Math.min(MAX_STREAMS_PER_CONNECTION, codec.connection().local().maxActiveStreams());
        }

        boolean hasRoom() {
            return ready && !draining && channel.isActive() && openStreams < limit()
                    && codec.connection().local().canOpenStream();
        }

        void openStream(UpstreamConnections.Callback callback, boolean reused) {
            openStreams++;
            streams.open().addListener(opened -> {
                if (!opened.isSuccess()) {
                    streamClosed();
                    callback.failed(opened.cause());
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                stream.closeFuture().addListener(closed -> streamClosed());
                callback.acquired(stream, reused);
            });
        }

        private void streamClosed() {
            openStreams--;
            if (draining && openStreams == 0) {
                channel.close();
            } else {
                serveWaiters();
            }
        }

        private void serveWaiters() {
            if (ready && limit() == 0) {
                failWaiters(new ClosedChannelException()); // SETTINGS_MAX_CONCURRENT_STREAMS 0: it takes no requests
                return;
            }
            while (!waiters.isEmpty() && hasRoom()) {
                openStream(waiters.poll(), false);
            }
            if (ready && !waiters.isEmpty() && openStreams >= limit()) {
                // More exchanges waited for this connection than the endpoint allows on one.
                List<UpstreamConnections.Callback> overflow = new ArrayList<>(waiters);
                waiters.clear();
                overflow.forEach(waiter -> acquire(channel.eventLoop(), key.endpoint(), cluster, true, waiter));
            }
        }

        /** No new streams; the connection closes once the last one ends. */
        private void drain() {
            if (draining) {
                return;
            }
            draining = true;
            pool.remove(this);
            if (pool.isEmpty()) {
                byLoop.get().remove(key, pool); // endpoints come and go; their keys should too
            }
            if (openStreams == 0) {
                channel.close();
            }
        }

        private void failed(Throwable cause) {
            drain();
            channel.close();
            failWaiters(cause);
        }

        private void failWaiters(Throwable cause) {
            if (!waiters.isEmpty()) {
                List<UpstreamConnections.Callback> waiting = new ArrayList<>(waiters);
                waiters.clear();
                waiting.forEach(waiter -> waiter.failed(cause));
            }
        }

        /** The connection's own events, after the multiplexer has taken the streams' frames. */
        private final class Watcher extends ChannelInboundHandlerAdapter {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                // SETTINGS cannot change the connection's window, only a WINDOW_UPDATE can; the codec
                // has sent its preface by now (with TLS, both wait in the SslHandler for the handshake).
                ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(
                        CONNECTION_WINDOW_BYTES - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2SettingsFrame && !ready) {
                        ready = true;
                        serveWaiters();
                    } else if (msg instanceof Http2GoAwayFrame goAway) {
                        LOG.debug("endpoint {} sent GOAWAY ({}), last stream {}", key.endpoint(), goAway.errorCode(),
                                goAway.lastStreamId());
                        drain();
                        failWaiters(new ClosedChannelException());
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof IdleStateEvent && openStreams == 0) {
                    drain();
                    ctx.close();
                }
                ReferenceCountUtil.release(event);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                drain();
                failWaiters(new ClosedChannelException());
                ctx.fireChannelInactive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                LOG.debug("HTTP/2 connection to {} failed: {}", key.endpoint(), cause.toString());
                ctx.close();
            }
        }
    }

    /**
     * Between the frame codec and the UpstreamHandler of a stream: only HttpObjects go on. The
     * conversion's x-http2-* fields (the endpoint's stream id) describe this hop and are dropped; a
     * reset of the stream ends it, which the proxy hears as the connection closing.
     */
    @ChannelHandler.Sharable
    static final class ResponseFrames extends ChannelInboundHandlerAdapter {
        static final ResponseFrames INSTANCE = new ResponseFrames();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpObject) {
                if (msg instanceof HttpResponse response) {
                    for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
                        response.headers().remove(name.text());
                    }
                }
                ctx.fireChannelRead(msg);
                return;
            }
            ReferenceCountUtil.release(msg);
            if (msg instanceof Http2ResetFrame) {
                ctx.close();
            }
        }

        /** Resets and GOAWAYs reach a stream as events; the ones that prove the pod never acted are noted. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            boolean refused = event instanceof Http2ResetFrame reset && reset.errorCode() == Http2Error.REFUSED_STREAM.code();
            // The multiplexer passes a GOAWAY only to the streams above its last stream id.
            if (refused || event instanceof Http2GoAwayFrame) {
                UpstreamHandler handler = ctx.pipeline().get(UpstreamHandler.class);
                if (handler != null) {
                    handler.markNeverProcessed();
                }
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    /** The proxy disables server push; a stream the endpoint opens anyway is closed. */
    @ChannelHandler.Sharable
    private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
        static final RefusePushedStreams INSTANCE = new RefusePushedStreams();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
