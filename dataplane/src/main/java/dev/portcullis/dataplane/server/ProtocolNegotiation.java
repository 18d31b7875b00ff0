package dev.portcullis.dataplane.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, sets the connection up for the protocol the client chose by ALPN:
 * HTTP/2, or HTTP/1.1 (also for clients that offer no ALPN).
 */
final class ProtocolNegotiation extends ApplicationProtocolNegotiationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolNegotiation.class);

    private final HttpPipeline http;

    ProtocolNegotiation(HttpPipeline http) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.http = http;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            ctx.pipeline().addLast(http.http2Handlers());
            // Streams are read on demand; the connection is always read, and HTTP/2 flow control
            // (each stream's window) bounds what waits for a slow stream.
            ctx.channel().config().setAutoRead(true);
        } else {
            ctx.pipeline().addLast(http.handlers("https"));
        }
    }

    /** Counted and logged by {@link HandshakeCompletionHandler}; not a warning per failed client. */
    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /**
     * Netty's own logs a warning with a stack trace; what reaches here is a client's doing (a reset,
     * garbage after a failed handshake), counted where it started, so it closes quietly.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client {} before its protocol was chosen: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
