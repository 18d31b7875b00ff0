package dev.portcullis.dataplane.passthrough;

import dev.portcullis.dataplane.runtime.LiveConfig;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.AbstractEpollStreamChannel;

import java.net.InetSocketAddress;

/**
 * Opens raw TCP connections to passthrough endpoints, on the client connection's event loop (so
 * that the two can be spliced, see {@link SpliceRelay}).
 */
public final class PassthroughConnector {

    /** Set to false to relay through buffers even on epoll (to compare, or to rule splice out). */
    public static final String SPLICE_PROPERTY = "portcullis.passthrough.splice";

    private final Bootstrap template;
    private final LiveConfig config;
    private final boolean splices;

    /** {@code config} gives the relays the access log and its settings. */
    public PassthroughConnector(Class<? extends Channel> channelType, LiveConfig config) {
        this.config = config;
        this.splices = Boolean.parseBoolean(System.getProperty(SPLICE_PROPERTY, "true"))
                && AbstractEpollStreamChannel.class.isAssignableFrom(channelType);
        this.template = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /** Whether relays splice: on epoll, unless {@value #SPLICE_PROPERTY} says false. */
    boolean splices() {
        return splices;
    }

    /**
     * Readies a TLS listener's new connection for a passthrough relay before its first read: a splice
     * then still counts the bytes it moves. Does nothing when relays do not splice.
     */
    public void prepareClient(Channel channel) {
        if (splices) {
            ReadCounter.install(channel);
        }
    }

    LiveConfig config() {
        return config;
    }

    ChannelFuture connect(EventLoop loop, InetSocketAddress endpoint, int connectTimeoutMillis, ChannelHandler handler) {
        return template.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(handler)
                .connect(endpoint);
    }
}
