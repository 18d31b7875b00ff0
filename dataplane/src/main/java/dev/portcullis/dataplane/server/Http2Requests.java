package dev.portcullis.dataplane.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

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
    /** values() copies its array on every call. */
    private static final ExtensionHeaderNames[] EXTENSION_NAMES = ExtensionHeaderNames.values();

    private Http2Requests() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            String protocol = request.headers().get(ExtensionHeaderNames.PROTOCOL.text());
            String path = request.headers().get(ExtensionHeaderNames.PATH.text());
            for (ExtensionHeaderNames name : EXTENSION_NAMES) {
                request.headers().remove(name.text());
            }
            if (protocol != null && path != null && HttpMethod.CONNECT.equals(request.method())
                    && !(msg instanceof FullHttpRequest)) {
                asUpgrade(request, protocol, path);
                ctx.fireChannelRead(request);
                // What the stream carries after this head is the tunnel's, not a body: the request ends here.
                ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
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

    /**
     * An extended CONNECT (RFC 8441: {@code :protocol websocket}) becomes the HTTP/1.1 upgrade
     * request a pod understands (RFC 8441 5): GET with Upgrade and, for a WebSocket, the
     * Sec-WebSocket-Key an HTTP/2 client does not send.
     */
    private static void asUpgrade(HttpRequest request, String protocol, String path) {
        request.setMethod(HttpMethod.GET);
        request.setUri(path); // Netty's conversion gives a CONNECT the authority as its target
        request.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // marked chunked as an open stream; it has no body
        request.headers().set(HttpHeaderNames.UPGRADE, protocol).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        if ("websocket".equalsIgnoreCase(protocol) && !request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            request.headers().set(HttpHeaderNames.SEC_WEBSOCKET_KEY, Base64.getEncoder().encodeToString(key));
        }
    }
}
