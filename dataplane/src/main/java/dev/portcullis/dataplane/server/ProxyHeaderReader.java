package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.IpLiteral;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the PROXY protocol header (v1 or v2) a trusted load balancer sends first, and only then builds
 * the rest of the pipeline and passes {@code channelActive} on: connection caps, routing and logs
 * all see the real client. A missing,
 * malformed or late header closes the connection. A {@code LOCAL} header (the balancer's own health
 * check) keeps the peer's address.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

    private final long deadlineMillis;
    private final DataPlaneMetrics metrics;
    private final Consumer<Channel> rest;
    private ScheduledFuture<?> deadline;
    private boolean cut;

    private ProxyHeaderReader(long deadlineMillis, DataPlaneMetrics metrics, Consumer<Channel> rest) {
        this.deadlineMillis = deadlineMillis;
        this.metrics = metrics;
        this.rest = rest;
    }

    /**
     * The decoder and this reader as the connection's pipeline; {@code rest} builds the rest of it
     * once the header is read (handlers look at the client's address as they are added).
     */
    static void expectHeader(ChannelPipeline pipeline, long deadlineMillis, DataPlaneMetrics metrics, Consumer<Channel> rest) {
        pipeline.addLast(new HAProxyMessageDecoder(), new ProxyHeaderReader(deadlineMillis, metrics, rest));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> cut(ctx, "proxy_header_timeout"), deadlineMillis, TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg); // not reached: the decoder passes bytes on only once this reader is gone
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && header.proxiedProtocol() != HAProxyProxiedProtocol.UNKNOWN
                    && header.proxiedProtocol().transportProtocol() == HAProxyProxiedProtocol.TransportProtocol.STREAM
                    && header.sourceAddress() != null) {
                var source = IpLiteral.parse(header.sourceAddress());
                if (source.isEmpty()) {
                    cut(ctx, "proxy_header_invalid");
                    return;
                }
                ClientAddress.set(ctx.channel(), new InetSocketAddress(source.get(), header.sourcePort()));
            }
        } finally {
            header.release();
        }
        deadline.cancel(false);
        rest.accept(ctx.channel());
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Still here: the header is not complete (the decoder asks for more itself).
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The rest of the pipeline is not built yet.
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        cut(ctx, "proxy_header_invalid");
    }

    private void cut(ChannelHandlerContext ctx, String reason) {
        if (!cut) { // the decoder closes the connection itself before it reports a malformed header
            cut = true;
            metrics.connectionCut(reason);
        }
        ctx.close();
    }
}
