package dev.portcullis.dataplane.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on an upstream connection and hands its events to the exchange that owns it; while the
 * connection idles in the pool, nobody owns it and any data or idleness closes it.
 */
public final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHandler.class);

    /** What an exchange hears from its upstream connection. */
    public interface Owner {
        void upstreamRead(Object message);

        /** The end of one read cycle: a good moment to flush what was written to the client. */
        void upstreamReadComplete();

        void upstreamWritable();

        void upstreamClosed();
    }

    private final Object poolKey;
    private Owner owner;
    private boolean neverProcessed;

    UpstreamHandler(Object poolKey) {
        this.poolKey = poolKey;
    }

    Object poolKey() {
        return poolKey;
    }

    public void owner(Owner owner) {
        this.owner = owner;
    }

    /**
     * Whether the endpoint said it did not act on the request at all (an HTTP/2 stream refused, or
     * beyond the last stream of a GOAWAY: RFC 9113 8.7), so that sending it again is safe whatever
     * its method.
     */
    public boolean neverProcessed() {
        return neverProcessed;
    }

    void markNeverProcessed() {
        neverProcessed = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner != null) {
            owner.upstreamRead(msg);
        } else {
            // A pooled connection has nothing to say; data now means the framing is off.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.upstreamReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (owner != null && ctx.channel().isWritable()) {
            owner.upstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Owner last = owner;
        owner = null;
        if (last != null) {
            last.upstreamClosed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && owner == null) {
            ctx.close();
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("upstream connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
