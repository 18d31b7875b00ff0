package dev.portcullis.dataplane.upstream;

import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive HTTP/1.1 connections to endpoints, plain or TLS (re-encryption), pooled per event loop
 * so that a client connection and its upstream connection share a thread and need no locks. Pools
 * are keyed by endpoint address and TLS context, so they outlive snapshots that keep both. An
 * HTTP/2 cluster's exchange gets a stream of a multiplexed connection instead ({@link Http2Upstreams}),
 * which the caller uses as it would a connection.
 */
public final class UpstreamConnections {

    /** Connections idle longer than this in the pool are closed (nginx's keepalive_timeout is 60 s). */
    static final int IDLE_SECONDS = 60;
    /** Enough for HTTP/2 clients, whose streams each hold one upstream connection while they run. */
    static final int MAX_IDLE_PER_ENDPOINT = 1024;

    /** The answer to {@link #acquire}: a connection, whether it came from the pool, or why there is none. */
    public interface Callback {
        void acquired(Channel channel, boolean reused);

        void failed(Throwable cause);
    }

    /** Connections are only shared between requests that would have opened the same one. */
    private record PoolKey(InetSocketAddress endpoint, SslContext tls) {
    }

    private final Bootstrap template;
    private final Http2Upstreams http2;
    private final FastThreadLocal<Map<PoolKey, ArrayDeque<Channel>>> idleByLoop = new FastThreadLocal<>() {
        @Override
        protected Map<PoolKey, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    public UpstreamConnections(Class<? extends Channel> channelType) {
        this.template = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true);
        this.http2 = new Http2Upstreams(channelType);
    }

    /**
     * Must run on {@code loop}; the callback runs there too. For a TLS cluster the callback comes
     * after a verified handshake, or with the reason it failed.
     */
    public void acquire(EventLoop loop, InetSocketAddress endpoint, UpstreamCluster cluster, boolean allowReuse,
                        Callback callback) {
        if (cluster.http2()) {
            // A stream of a multiplexed connection, which to the caller looks like a connection of its own.
            http2.acquire(loop, endpoint, cluster, allowReuse, callback);
            return;
        }
        PoolKey key = new PoolKey(endpoint, cluster.upstreamSsl());
        if (allowReuse) {
            ArrayDeque<Channel> idle = idleByLoop.get().get(key);
            Channel channel;
            while (idle != null && (channel = idle.pollLast()) != null) {
                if (channel.isActive()) {
                    callback.acquired(channel, true);
                    return;
                }
            }
        }
        ChannelFuture connect = template.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, cluster.connectTimeoutMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (key.tls() != null) {
                            channel.pipeline().addLast(key.tls().newHandler(channel.alloc(), cluster.upstreamServerName(),
                                    endpoint.getPort()));
                        }
                        channel.pipeline().addLast(
                                new HttpClientCodec(4096, 65536, 65536),
                                new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                                new UpstreamHandler(key));
                    }
                })
                .connect(endpoint);
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                callback.failed(done.cause());
                return;
            }
            Channel channel = connect.channel();
            channel.closeFuture().addListener(closed -> forgetIdle(key, channel));
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                callback.acquired(channel, false);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    callback.acquired(channel, false);
                } else {
                    channel.close();
                    callback.failed(handshake.cause());
                }
            });
        });
    }

    /**
     * Returns a connection whose exchange finished cleanly. Must run on the connection's loop.
     * A read stays pending so that the endpoint closing the idle connection is noticed at once.
     */
    public void release(Channel channel) {
        UpstreamHandler handler = handlerOf(channel);
        handler.owner(null);
        if (channel instanceof Http2StreamChannel) {
            channel.close(); // an HTTP/2 stream serves one exchange; its connection stays for others
            return;
        }
        ArrayDeque<Channel> idle = idleByLoop.get().computeIfAbsent((PoolKey) handler.poolKey(), k -> new ArrayDeque<>());
        if (!channel.isActive() || idle.size() >= MAX_IDLE_PER_ENDPOINT) {
            channel.close();
            return;
        }
        idle.addLast(channel);
        channel.read();
    }

    /** Runs on the connection's loop when it closes, pooled or not. */
    private void forgetIdle(PoolKey key, Channel channel) {
        ArrayDeque<Channel> idle = idleByLoop.get().get(key);
        if (idle != null) {
            idle.remove(channel);
        }
    }

    /** The handler of an upstream connection or stream: its pipeline's last, found without a search. */
    public static UpstreamHandler handlerOf(Channel channel) {
        return channel.pipeline().last() instanceof UpstreamHandler last ? last : channel.pipeline().get(UpstreamHandler.class);
    }
}
