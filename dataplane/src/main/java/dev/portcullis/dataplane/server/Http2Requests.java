package dev.portcullis.dataplane.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Makes an HTTP/2 stream's request look as HttpServerCodec would have delivered it, so that the
 * proxy handles both protocols alike: a bodiless request, which Netty's conversion gives whole, is
 * passed on as its head and its end; and the x-http2-* fields the conversion adds (stream id,
 * scheme, ...) are dropped: they describe our client's connection, not anything an endpoint should
 * see, and a client must not be able to pass them on either.
 */
@ChannelHandler.Sharable
final class Http2Requests extends ChannelInboundHandlerAdapter {

    static final Http2Requests INSTANCE = new Http2Requests();

    private Http2Requests() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
                request.headers().remove(name.text());
            }
        }
        if (msg instanceof FullHttpRequest full) {
            DefaultHttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                    full.headers());
            head.setDecoderResult(full.decoderResult());
            ctx.fireChannelRead(head);
            ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
