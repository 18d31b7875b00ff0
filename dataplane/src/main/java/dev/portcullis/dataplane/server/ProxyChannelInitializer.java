package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.passthrough.PassthroughConnector;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;

import java.net.InetSocketAddress;

/**
 * Builds a client connection's pipeline. On the TLS listener: a ClientHello peek that, with the
 * configuration current when the connection arrived, either relays a passthrough host or adds TLS
 * termination and HTTP proxying. On the plain listener: HTTP proxying (HTTP/1.1, or h2c with prior knowledge).
 */
final class ProxyChannelInitializer extends ChannelInitializer<Channel> {

    static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

    private final boolean tls;
    private final LiveConfig config;
    private final HttpPipeline http;
    private final PassthroughConnector passthrough;
    private final DataPlaneMetrics metrics;
    private final ConnectionAdmission connectionCount;
    private final ChannelGroup connections;

    ProxyChannelInitializer(boolean tls, LiveConfig config, HttpPipeline http, PassthroughConnector passthrough,
                            DataPlaneMetrics metrics, ChannelGroup connections) {
        this.tls = tls;
        this.config = config;
        this.http = http;
        this.passthrough = passthrough;
        this.metrics = metrics;
        this.connections = connections;
        this.connectionCount = new ConnectionAdmission(config, metrics, metrics.openConnections(tls ? "https" : "http"));
    }

    @Override
    protected void initChannel(Channel channel) {
        connections.add(channel); // for the drain; the group forgets a channel once it closes
        if (tls) {
            passthrough.prepareClient(channel);
        }
        RuntimeConfig atArrival = config.current();
        if (atArrival != null && atArrival.clientAddresses().expectsProxyHeaderFrom(
                ((InetSocketAddress) channel.remoteAddress()).getAddress())) {
            ProxyHeaderReader.expectHeader(channel.pipeline(), atArrival.limits().tlsHandshakeTimeoutMillis(), metrics,
                    this::initClient);
            return;
        }
        initClient(channel);
    }

    /** The pipeline that serves the client, once its address is known. */
    private void initClient(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(connectionCount);
        pipeline.addLast(http.errors().resets());
        if (!tls) {
            ChannelHandler[] http1 = http.handlers("http");
            pipeline.addLast(new PriorKnowledgeDetection(http, http1));
            pipeline.addLast(http1);
            return;
        }
        RuntimeConfig current = config.current();
        if (current == null) {
            channel.close(); // nothing to present before the first snapshot
            return;
        }
        pipeline.addLast(new TlsRouterHandler(current, http, passthrough, MAX_CLIENT_HELLO_BYTES,
                current.limits().tlsHandshakeTimeoutMillis()));
        pipeline.addLast(new HandshakeCompletionHandler(metrics));
    }
}
