package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.runtime.ClientCertificateOf;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees a TLS handshake end: counts it by protocol version (failures by reason), acknowledges the
 * client's Finished at once, then steps out of the pipeline.
 *
 * <p>BoringSSL holds the TLS 1.3 session tickets it issues after the client's Finished until our
 * first write, on purpose. So nothing carries the ACK of that Finished, and a client with Nagle's
 * algorithm on (any that does not set TCP_NODELAY) holds its request back until the kernel's
 * delayed ACK fires: 40 ms on every new connection. TCP_QUICKACK sends the pending ACK now.
 */
final class HandshakeCompletionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeCompletionHandler.class);

    private final DataPlaneMetrics metrics;
    /** This connection's failure is counted (once, whether it came as an event, an exception or both). */
    private boolean counted;

    HandshakeCompletionHandler(DataPlaneMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SniCompletionEvent peek && !peek.isSuccess() && !counted) {
            failed(ctx, peek.cause()); // no ClientHello in time (the peek then closes the connection)
            counted = true;
        }
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                metrics.tlsHandshake(ssl.engine().getSession().getProtocol());
                ClientCertificateOf.handshakeCompleted(ctx.channel(), ssl.engine());
                if (ctx.channel() instanceof EpollSocketChannel epoll) {
                    epoll.config().setTcpQuickAck(true);
                }
                ctx.pipeline().remove(this);
            } else {
                // Stays: the peek or the SslHandler throws the same failure right after this event, and
                // past this handler it would reach the pipeline's tail (a warning with a stack trace per client).
                failed(ctx, completion.cause());
                counted = true;
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the handshake completes: not TLS at all, or a ClientHello that does not parse.
        if (!counted) {
            failed(ctx, cause);
            counted = true;
        }
        ctx.close();
    }

    private void failed(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String reason = root instanceof NotSslRecordException ? "not_tls" : root.getClass().getSimpleName();
        metrics.tlsHandshakeFailure(reason);
        if (root instanceof SslHandshakeTimeoutException) {
            metrics.connectionCut("tls_handshake_timeout"); // the ClientHello, or the rest, took longer than the limit
        }
        if (!ClientErrors.isReset(root)) {
            metrics.clientError("tls"); // a reset mid-handshake is counted as one where it starts
        }
        LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), root.toString());
    }
}
