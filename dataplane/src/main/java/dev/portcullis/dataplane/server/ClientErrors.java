package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResultProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * What a client gets wrong is counted ({@code portcullis_client_errors_total{kind}}) and logged as
 * one DEBUG line, never as a warning with a stack trace: an attacker opening connection after
 * connection must not be able to fill the disk. The handlers here sit where those errors pass.
 */
final class ClientErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ClientErrors.class);

    private final ChannelHandler resets;
    private final ChannelHandler malformedRequests;
    private final ChannelHandler http2Errors;

    ClientErrors(DataPlaneMetrics metrics) {
        this.resets = new Resets(metrics);
        this.malformedRequests = new MalformedRequests(metrics);
        this.http2Errors = new Http2Errors(metrics);
    }

    /** First in every client pipeline: socket errors (a reset, a broken pipe) start at its head. */
    ChannelHandler resets() {
        return resets;
    }

    /** Right after the HTTP/1.1 codec: a request head that does not parse (answered 400 further on). */
    ChannelHandler malformedRequests() {
        return malformedRequests;
    }

    /** Last in an HTTP/2 connection's pipeline: a protocol error the codec has answered with GOAWAY. */
    ChannelHandler http2Errors() {
        return http2Errors;
    }

    /** A socket error, not a protocol one: counted where it starts (by {@link #resets()}), not twice. */
    static boolean isReset(Throwable cause) {
        return cause instanceof IOException && !(cause instanceof SSLException);
    }

    @ChannelHandler.Sharable
    private static final class Resets extends ChannelInboundHandlerAdapter {
        private final DataPlaneMetrics metrics;

        Resets(DataPlaneMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (isReset(cause)) {
                metrics.clientError("reset");
                LOG.debug("client {}: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.fireExceptionCaught(cause); // the handler of the connection's stage closes it
        }
    }

    @ChannelHandler.Sharable
    private static final class MalformedRequests extends ChannelInboundHandlerAdapter {
        private final DataPlaneMetrics metrics;

        MalformedRequests(DataPlaneMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DecoderResultProvider decoded && decoded.decoderResult().isFailure()) {
                metrics.clientError("http");
                LOG.debug("client {}: malformed HTTP request: {}", ctx.channel().remoteAddress(),
                        decoded.decoderResult().cause().toString());
            }
            ctx.fireChannelRead(msg);
        }
    }

    @ChannelHandler.Sharable
    private static final class Http2Errors extends ChannelInboundHandlerAdapter {
        private final DataPlaneMetrics metrics;

        Http2Errors(DataPlaneMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!isReset(cause)) {
                metrics.clientError("http2");
            }
            LOG.debug("HTTP/2 client {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
