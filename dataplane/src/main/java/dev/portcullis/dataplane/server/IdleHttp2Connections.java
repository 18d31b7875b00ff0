package dev.portcullis.dataplane.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;

/** Closes an HTTP/2 connection that has been quiet with no stream open, as HTTP/1.1 keep-alive does. */
final class IdleHttp2Connections extends ChannelInboundHandlerAdapter {

    private final Http2FrameCodec codec;

    IdleHttp2Connections(Http2FrameCodec codec) {
        this.codec = codec;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Draining.INSTANCE) {
            ctx.close(); // the codec sends GOAWAY and closes once the streams in flight are done
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
