package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps one listener's open client connections, and each client address's share of them. At the
 * listener's cap it stops accepting (the kernel queues newcomers in the backlog) and resumes when
 * connections close, so the process never runs out of descriptors: before, 20,000 idle connections
 * took every descriptor and HTTPS stopped for everyone. A client address over its own cap has its
 * newest connection closed at once. Shared by all connections of one listener.
 */
@ChannelHandler.Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter {

    /** Descriptors kept for upstream connections, certificates, logs and the control plane. */
    private static final long RESERVED_DESCRIPTORS = 1_024;
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("portcullis.admitted");

    private final LiveConfig config;
    private final DataPlaneMetrics metrics;
    private final AtomicInteger open;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();

    ConnectionAdmission(LiveConfig config, DataPlaneMetrics metrics, AtomicInteger open) {
        this.config = config;
        this.metrics = metrics;
        this.open = open;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Limits limits = limits();
        InetAddress client = ClientAddress.of(ctx.channel()).getAddress();
        int fromClient = perClient.computeIfAbsent(client, address -> new AtomicInteger()).incrementAndGet();
        ctx.channel().attr(COUNTED).set(true);
        int total = open.incrementAndGet();
        if (fromClient > limits.maxConnectionsPerClient()) {
            metrics.connectionCut("client_connection_limit");
            ctx.close();
            return;
        }
        int cap = maxConnections(limits);
        if (total >= cap) {
            Channel listener = ctx.channel().parent();
            if (listener != null && listener.config().isAutoRead()) {
                metrics.connectionCut("listener_connection_limit");
                listener.config().setAutoRead(false);
            }
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(COUNTED).getAndSet(false) == Boolean.TRUE) {
            InetAddress client = ClientAddress.of(ctx.channel()).getAddress();
            AtomicInteger fromClient = perClient.get(client);
            if (fromClient != null && fromClient.decrementAndGet() <= 0) {
                perClient.remove(client, fromClient);
            }
            int total = open.decrementAndGet();
            Channel listener = ctx.channel().parent();
            // Resume below 90 % of the cap, so accepting does not flap at the edge.
            if (listener != null && !listener.config().isAutoRead() && total < maxConnections(limits()) * 9L / 10) {
                listener.config().setAutoRead(true);
            }
        }
        ctx.fireChannelInactive();
    }

    private Limits limits() {
        RuntimeConfig current = config.current();
        return current == null ? Limits.DEFAULTS : current.limits();
    }

    /**
     * Without a configured cap: a quarter of the descriptors left after the reserve, since two
     * listeners share them and each client connection may need an upstream one.
     */
    private static final int DESCRIPTOR_CAP = descriptorCap();

    /** The configured cap, or {@link #DESCRIPTOR_CAP}. */
    static int maxConnections(Limits limits) {
        return limits.maxConnections() > 0 ? limits.maxConnections() : DESCRIPTOR_CAP;
    }

    private static int descriptorCap() {
        long descriptors = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 65_536;
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, (descriptors - RESERVED_DESCRIPTORS) / 4));
    }
}
