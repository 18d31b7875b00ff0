package dev.portcullis.dataplane.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicInteger;

/** Keeps a listener's open-connection gauge. Shared by all connections of one listener. */
@ChannelHandler.Sharable
final class ConnectionCountHandler extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open;

    ConnectionCountHandler(AtomicInteger open) {
        this.open = open;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        open.incrementAndGet();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }
}
