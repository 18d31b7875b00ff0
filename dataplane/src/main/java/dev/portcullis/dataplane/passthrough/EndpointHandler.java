package dev.portcullis.dataplane.passthrough;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The endpoint side of a passthrough relay. */
final class EndpointHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointHandler.class);

    private final Channel client;
    private final PassthroughHandler relay;
    private final boolean countReads;

    EndpointHandler(Channel client, PassthroughHandler relay, boolean countReads) {
        this.client = client;
        this.relay = relay;
        this.countReads = countReads;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (countReads) {
            ReadCounter.install(ctx.channel()); // before the first read, for a splice to count its bytes
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            relay.readFromUpstream(bytes);
        }
        client.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                ctx.read();
            } else {
                ctx.close();
                client.close();
            }
        });
        relay.relayed();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        SpliceRelay splice = relay.splice();
        if (splice != null) {
            splice.readComplete(ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            relay.inputShutdown(ctx.channel(), client);
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        PassthroughHandler.closeAfterFlush(client);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("passthrough endpoint {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
        client.close();
    }
}
