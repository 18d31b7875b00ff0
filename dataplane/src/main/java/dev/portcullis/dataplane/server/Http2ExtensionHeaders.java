package dev.portcullis.dataplane.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Drops the x-http2-* fields Netty adds when it turns an HTTP/2 request into an HTTP/1.1 one
 * (stream id, scheme, ...): they describe our client's connection, not anything an endpoint
 * should see, and a client must not be able to pass them on either.
 */
@ChannelHandler.Sharable
final class Http2ExtensionHeaders extends ChannelInboundHandlerAdapter {

    static final Http2ExtensionHeaders INSTANCE = new Http2ExtensionHeaders();

    private Http2ExtensionHeaders() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
                request.headers().remove(name.text());
            }
        }
        ctx.fireChannelRead(msg);
    }
}
