package dev.portcullis.dataplane.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;

import java.util.concurrent.TimeUnit;

/** Closes an HTTP/2 connection that has been quiet with no stream open, as HTTP/1.1 keep-alive does. */
final class IdleHttp2Connections extends ChannelInboundHandlerAdapter {

    private final Http2FrameCodec codec;
    private boolean noticed;

    IdleHttp2Connections(Http2FrameCodec codec) {
        this.codec = codec;
    }

    /** A GOAWAY naming the largest stream id: clients open no new stream, and one already on its way is served. */
    private void notice(ChannelHandlerContext ctx) {
        noticed = true;
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Draining.NOTICE) {
            notice(ctx);
            return;
        }
        if (event == Draining.CLOSE) {
            if (noticed) {
                ctx.close(); // the codec closes once the streams in flight are done
            } else { // a connection that came during the delay: told first, closed a moment later
                notice(ctx);
                ctx.executor().schedule(() -> ctx.close(), 1, TimeUnit.SECONDS);
            }
            return;
        }
        if (event instanceof IdleStateEvent) {
            if (codec.connection().numActiveStreams() == 0) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }
}
