package dev.portcullis.dataplane.passthrough;

import dev.portcullis.dataplane.accesslog.AccessLogEntry;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.server.ClientAddress;
import io.netty.buffer.ByteBuf;

import dev.portcullis.dataplane.upstream.ConnectRetryPolicy;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.runtime.RoutedHost;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollInterestKeeper;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import dev.portcullis.dataplane.upstream.UpstreamWarnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Relays a passthrough connection's bytes, still encrypted, to an endpoint of its host and back.
 * Both channels run with AUTO_READ off and read the next chunk only when the previous one has been
 * written to the other side (backpressure). Once a connection has carried {@link #SPLICE_AFTER_BYTES},
 * the epoll transport splices both directions in the kernel instead ({@link SpliceRelay}), as
 * HAProxy's splice-auto does: the four pipes cost a short connection (a TLS handshake and one small
 * exchange) more system calls than its few reads do. Half-closes cross over; an idle or failed connection
 * closes both sides. With the cluster's PROXY protocol setting, the endpoint first gets a v1 or v2
 * header carrying the client's address.
 */
public final class PassthroughHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PassthroughHandler.class);
    static final int IDLE_SECONDS = 300;
    /** Bytes relayed (both ways) after which a connection splices. */
    static final long SPLICE_AFTER_BYTES = 64 * 1024;

    private final RoutedHost host;
    private final UpstreamCluster cluster;
    private final PassthroughConnector connector;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Channel upstream;
    private int attempts;
    // For the access log: one line per connection once it closes.
    private final long startNanos = System.nanoTime();
    private InetSocketAddress endpoint;
    private long bytesFromClient;
    private long bytesToClient;
    private boolean logged;
    private SpliceRelay splice;

    public PassthroughHandler(RoutedHost host, PassthroughConnector connector) {
        this.host = host;
        this.cluster = host.passthrough();
        this.connector = connector;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ctx.pipeline().addBefore(ctx.name(), "passthrough-idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
        connect();
    }

    private void connect() {
        attempts++;
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        InetSocketAddress endpoint = cluster.balancer().next(client.getAddress(), attempts - 1);
        if (endpoint == null) {
            UpstreamWarnings.shared().warn(LOG, cluster.name(), "passthrough host {}: cluster {} has no ready endpoint; closing the connection",
                    host.hostname(), cluster.name());
            ctx.close();
            return;
        }
        // Least-request counts a connection from the moment it is chosen, so that connections
        // arriving while earlier connects are still pending spread too.
        cluster.balancer().started(endpoint);
        connector.connect(ctx.channel().eventLoop(), endpoint, cluster.connectTimeoutMillis(), new EndpointHandler(ctx.channel(), this, connector.splices()))
                .addListener((ChannelFutureListener) connected -> {
                    if (connected.isSuccess()) {
                        connected.channel().closeFuture().addListener(closed -> cluster.balancer().finished(endpoint));
                        cluster.health().succeeded(endpoint);
                        connected(connected.channel());
                        return;
                    }
                    cluster.balancer().finished(endpoint);
                    if (failed(endpoint) && ctx.channel().isActive() && ConnectRetryPolicy.tryAnother(attempts, cluster)) {
                        UpstreamWarnings.shared().warn(LOG, cluster.name(), "passthrough host {}: cannot connect to {}: {}; trying another endpoint", host.hostname(),
                                endpoint, connected.cause().toString());
                        connect();
                    } else {
                        UpstreamWarnings.shared().warn(LOG, cluster.name(), "passthrough host {}: cannot connect to {}: {}; closing the connection", host.hostname(),
                                endpoint, connected.cause().toString());
                        ctx.close();
                    }
                });
    }

    /** Tells outlier detection; always true, to sit in the retry condition. */
    private boolean failed(InetSocketAddress endpoint) {
        cluster.health().failed(endpoint);
        return true;
    }

    private void connected(Channel channel) {
        if (!ctx.channel().isActive()) {
            channel.close();
            return;
        }
        upstream = channel;
        endpoint = (InetSocketAddress) channel.remoteAddress();
        if (cluster.proxyProtocol() != ProxyProtocol.OFF) {
            channel.pipeline().addFirst("proxy-protocol", HAProxyMessageEncoder.INSTANCE);
            channel.write(proxyHeader());
            channel.pipeline().remove("proxy-protocol");
        }
        Object message;
        while ((message = pending.poll()) != null) {
            channel.write(message);
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (!written.isSuccess() || !EpollInterestKeeper.keepRegistered(ctx.channel())
                    || !EpollInterestKeeper.keepRegistered(upstream)) {
                closeBoth();
            } else {
                ctx.read();
                upstream.read();
            }
        });
    }

    /**
     * Starts splicing once the connection has carried enough, both inputs still open (a half-closed
     * connection finishes as it is). Called after a chunk was written on: it goes out ahead of
     * whatever the splices move.
     */
    void relayed() {
        if (splice == null && bytesFromClient + bytesToClient >= SPLICE_AFTER_BYTES && connector.splices()
                && inputOpen(ctx.channel()) && inputOpen(upstream) && SpliceRelay.possible(ctx.channel(), upstream)) {
            ctx.pipeline().remove("passthrough-idle"); // no buffer passes it any more: the relay keeps the time
            splice = SpliceRelay.start(ctx.channel(), upstream, TimeUnit.SECONDS.toNanos(IDLE_SECONDS), this::closeBoth);
        }
    }

    private static boolean inputOpen(Channel channel) {
        return channel.isActive() && channel instanceof DuplexChannel duplex && !duplex.isInputShutdown();
    }

    private HAProxyMessage proxyHeader() {
        return ProxyProtocolHeaders.of(cluster.proxyProtocol(), ClientAddress.of(ctx.channel()),
                (InetSocketAddress) ctx.channel().localAddress());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && splice == null) {
            bytesFromClient += bytes.readableBytes();
        }
        if (upstream == null) {
            pending.add(msg); // the ClientHello (and whatever followed it) until the endpoint is connected
            return;
        }
        upstream.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                ctx.read(); // once splicing, reading goes on anyway
            } else {
                closeBoth();
            }
        });
        relayed();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (splice != null) {
            splice.readComplete(ctx.channel());
        } else if (upstream == null) {
            ctx.read(); // keep buffering what arrives while connecting, so nothing waits on us
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputShutdown(ctx.channel(), upstream);
        } else if (event instanceof IdleStateEvent) {
            closeBoth();
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        logConnection();
        if (splice != null) {
            splice.stop();
        }
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        closeAfterFlush(upstream);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("passthrough client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        closeBoth();
    }

    /** End of input from {@code from}: with splice, once its last bytes are through; else now, behind what is queued. */
    void inputShutdown(Channel from, Channel to) {
        if (splice != null) {
            splice.inputShutdown(from);
        } else if (to instanceof DuplexChannel duplex) {
            halfClose(to, duplex.isInputShutdown());
        }
    }

    /** Counts bytes the endpoint sent, when they pass as buffers (before or without splice); then call {@link #relayed}. */
    void readFromUpstream(ByteBuf bytes) {
        if (splice == null) {
            bytesToClient += bytes.readableBytes();
        }
    }

    /** The splice relay, or null while (or when) the bytes pass as buffers. */
    SpliceRelay splice() {
        return splice;
    }

    void closeBoth() {
        ctx.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    static void closeAfterFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Passes an end-of-input on: the other side may still answer (TLS close_notify, for one). Behind
     * what is queued for {@code channel}: shutting its output down at once would fail those writes.
     * Closes instead when {@code inputDone}, its own input having ended already.
     */
    static void halfClose(Channel channel, boolean inputDone) {
        if (channel instanceof DuplexChannel duplex && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
                if (!flushed.isSuccess() || inputDone) {
                    channel.close();
                } else {
                    duplex.shutdownOutput();
                }
            });
        }
    }

    private void logConnection() {
        RuntimeConfig current = connector.config().current();
        if (logged || current == null || !current.accessLog().enabled()) {
            return;
        }
        logged = true;
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        connector.config().accessLog().log(new AccessLogEntry(System.currentTimeMillis(), "passthrough",
                client.getAddress().getHostAddress(), host.hostname(), null, null, null, null, null, null, null, 0,
                bytesToClient + (splice == null ? 0 : splice.bytesFromUpstream()),
                bytesFromClient + (splice == null ? 0 : splice.bytesFromClient()),
                endpoint == null ? null : endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort(), cluster.name(), -1,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), Math.max(0, attempts - 1), null),
                current.accessLog());
    }
}
