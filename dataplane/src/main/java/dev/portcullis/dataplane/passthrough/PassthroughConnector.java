package dev.portcullis.dataplane.passthrough;

import dev.portcullis.dataplane.runtime.LiveConfig;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;

/** Opens raw TCP connections to passthrough endpoints, on the client connection's event loop. */
public final class PassthroughConnector {

    private final Bootstrap template;
    private final LiveConfig config;

    /** {@code config} gives the relays the access log and its settings. */
    public PassthroughConnector(Class<? extends Channel> channelType, LiveConfig config) {
        this.config = config;
        this.template = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true);
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
