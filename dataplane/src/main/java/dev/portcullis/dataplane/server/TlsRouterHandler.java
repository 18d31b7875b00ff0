package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.passthrough.PassthroughHandler;
import dev.portcullis.dataplane.runtime.RoutedHost;
import dev.portcullis.dataplane.runtime.ClientCertificateOf;
import dev.portcullis.dataplane.runtime.ServedTls;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.tls.ServerContext;
import dev.portcullis.dataplane.passthrough.PassthroughConnector;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

/**
 * Peeks at the ClientHello before any TLS and decides the connection: a passthrough host's
 * connection is relayed as raw bytes to one of its endpoints; every other connection gets an
 * SslHandler with the certificate for its SNI name (exact, one-label wildcard, or the default;
 * the default too for a ClientHello without SNI), then HTTP/2 or HTTP/1.1 proxying as ALPN chose. The decision uses the
 * configuration that was current when the connection arrived.
 */
final class TlsRouterHandler extends AbstractSniHandler<RoutedHost> {

    private final RuntimeConfig config;
    private final HttpPipeline http;
    private final PassthroughConnector passthrough;

    TlsRouterHandler(RuntimeConfig config, HttpPipeline http, PassthroughConnector passthrough, int maxClientHelloLength, long clientHelloTimeoutMillis) {
        super(maxClientHelloLength, clientHelloTimeoutMillis);
        this.config = config;
        this.http = http;
        this.passthrough = passthrough;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read(); // AUTO_READ is off: ask for the ClientHello
        super.channelActive(ctx);
    }

    /** Whether the ClientHello being looked up can take an ECDSA certificate (for hosts with an RSA one beside). */
    private boolean clientTakesEcdsa;

    @Override
    protected Future<RoutedHost> lookup(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf clientHello) throws Exception {
        clientTakesEcdsa = ClientHelloAlgorithms.offersEcdsa(clientHello);
        return super.lookup(ctx, clientHello);
    }

    /** The context chosen for the connection's handshake, once looked up; null for passthrough. */
    private ServerContext chosen;

    /** The host for the SNI name, once its context is built: a host's first handshake builds it off the event loop. */
    @Override
    protected Future<RoutedHost> lookup(ChannelHandlerContext ctx, String hostname) {
        RoutedHost host = config.hosts().findNamed(hostname);
        chosen = host == null ? config.defaultTls() : host.isPassthrough() ? null : host.tlsFor(clientTakesEcdsa);
        if (chosen == null || chosen.isBuilt()) {
            return ctx.executor().newSucceededFuture(host);
        }
        return ContextBuilds.build(chosen, ctx.executor().newPromise(), host);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<RoutedHost> future) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return; // the client left, or the handshake timed out, while its context was built
        }
        if (!future.isSuccess()) {
            ctx.close(); // the host's context cannot be built (logged once, when it failed): no other certificate stands in
            return;
        }
        RoutedHost host = future.getNow();
        ChannelPipeline pipeline = ctx.pipeline();
        if (host != null && host.isPassthrough()) {
            if (!host.admits(ClientAddress.of(ctx.channel()).getAddress())) {
                ctx.close(); // a source range keeps this client out: no pod is connected
                return;
            }
            pipeline.remove(HandshakeCompletionHandler.class);
            host.metrics().passthroughConnection();
            // Replacing this handler hands the buffered ClientHello to the relay.
            pipeline.replace(this, "passthrough", new PassthroughHandler(host, passthrough));
            return;
        }
        SslContext context = chosen.get();
        if (host != null) {
            ServedTls.record(ctx.channel(), host);
            if (host.clientAuth() != null) {
                ClientCertificateOf.expect(ctx.channel(), host.clientAuth());
            }
        }
        pipeline.addLast(new ProtocolNegotiation(http));
        SslHandler tls = context.newHandler(ctx.alloc());
        tls.setHandshakeTimeoutMillis(config.limits().tlsHandshakeTimeoutMillis());
        pipeline.replace(this, SslHandler.class.getName(), tls);
    }
}
