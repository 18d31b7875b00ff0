package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.admin.DataPlaneMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts handshakes by protocol version, and failures by reason; then steps out of the pipeline. */
final class TlsHandshakeMetricsHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeMetricsHandler.class);

    private final DataPlaneMetrics metrics;

    TlsHandshakeMetricsHandler(DataPlaneMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                metrics.tlsHandshake(ssl.engine().getSession().getProtocol());
            } else {
                failed(ctx, completion.cause());
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the handshake completes: not TLS at all, or a ClientHello that does not parse.
        failed(ctx, cause);
        ctx.close();
    }

    private void failed(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String reason = root instanceof NotSslRecordException ? "not_tls" : root.getClass().getSimpleName();
        metrics.tlsHandshakeFailure(reason);
        LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), root.toString());
    }
}
