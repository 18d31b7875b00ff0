package dev.portcullis.dataplane.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive HTTP/1.1 connections to endpoints, pooled per event loop so that a client connection
 * and its upstream connection share a thread and need no locks. Pools are keyed by endpoint
 * address, so they outlive snapshots that keep the endpoint.
 */
public final class UpstreamConnections {

    /** Connections idle longer than this in the pool are closed (nginx's keepalive_timeout is 60 s). */
    static final int IDLE_SECONDS = 60;
    static final int MAX_IDLE_PER_ENDPOINT = 256;

    /** The answer to {@link #acquire}: a connection, whether it came from the pool, or why there is none. */
    public interface Callback {
        void acquired(Channel channel, boolean reused);

        void failed(Throwable cause);
    }

    private final Bootstrap template;
    private final FastThreadLocal<Map<InetSocketAddress, ArrayDeque<Channel>>> idleByLoop = new FastThreadLocal<>() {
        @Override
        protected Map<InetSocketAddress, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    public UpstreamConnections(Class<? extends Channel> channelType) {
        this.template = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(
                                new HttpClientCodec(4096, 65536, 65536),
                                new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                                new UpstreamHandler());
                    }
                });
    }

    /** Must run on {@code loop}; the callback runs there too. */
    public void acquire(EventLoop loop, InetSocketAddress endpoint, int connectTimeoutMillis, boolean allowReuse,
                        Callback callback) {
        if (allowReuse) {
            ArrayDeque<Channel> idle = idleByLoop.get().get(endpoint);
            Channel channel;
            while (idle != null && (channel = idle.pollLast()) != null) {
                if (channel.isActive()) {
                    callback.acquired(channel, true);
                    return;
                }
            }
        }
        ChannelFuture connect = template.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .connect(endpoint);
        connect.addListener(done -> {
            if (done.isSuccess()) {
                Channel channel = connect.channel();
                channel.closeFuture().addListener(closed -> forgetIdle(endpoint, channel));
                callback.acquired(channel, false);
            } else {
                callback.failed(done.cause());
            }
        });
    }

    /**
     * Returns a connection whose exchange finished cleanly. Must run on the connection's loop.
     * A read stays pending so that the endpoint closing the idle connection is noticed at once.
     */
    public void release(Channel channel, InetSocketAddress endpoint) {
        channel.pipeline().get(UpstreamHandler.class).owner(null);
        ArrayDeque<Channel> idle = idleByLoop.get().computeIfAbsent(endpoint, key -> new ArrayDeque<>());
        if (!channel.isActive() || idle.size() >= MAX_IDLE_PER_ENDPOINT) {
            channel.close();
            return;
        }
        idle.addLast(channel);
        channel.read();
    }

    /** Runs on the connection's loop when it closes, pooled or not. */
    private void forgetIdle(InetSocketAddress endpoint, Channel channel) {
        ArrayDeque<Channel> idle = idleByLoop.get().get(endpoint);
        if (idle != null) {
            idle.remove(channel);
        }
    }

    public static UpstreamHandler handlerOf(Channel channel) {
        return channel.pipeline().get(UpstreamHandler.class);
    }
}
