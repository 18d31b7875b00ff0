package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.proxy.RequestHeadDeadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;

import java.util.List;

/**
 * On the plain listener, in front of the HTTP/1.1 handlers: a connection that opens with the
 * HTTP/2 connection preface (h2c with prior knowledge, as gRPC clients in plain text speak) gets
 * the HTTP/2 handlers instead; any other first bytes leave HTTP/1.1 in place. Only as many bytes
 * as the preface are looked at, and the first that differs decides.
 */
final class PriorKnowledgeDetection extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final HttpPipeline http;
    private final ChannelHandler[] http1;

    /** @param http1 the HTTP/1.1 handlers after this one, removed if the client speaks HTTP/2 */
    PriorKnowledgeDetection(HttpPipeline http, ChannelHandler[] http1) {
        this.http = http;
        this.http1 = http1;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int seen = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), seen)) {
            ctx.pipeline().remove(this); // HTTP/1.1: what was read goes on to its decoder
            return;
        }
        if (seen < PREFACE.readableBytes()) {
            return; // so far the preface; wait for the rest
        }
        ChannelPipeline pipeline = ctx.pipeline();
        RequestHeadDeadline deadline = pipeline.get(RequestHeadDeadline.class);
        if (deadline != null) {
            deadline.headReceived(); // HTTP/2 has deadlines of its own
        }
        for (ChannelHandler handler : http1) {
            pipeline.remove(handler);
        }
        pipeline.addLast(http.http2Handlers("http"));
        // As after ALPN: the connection is always read; each stream's window bounds a slow stream.
        ctx.channel().config().setAutoRead(true);
        pipeline.remove(this);
    }
}
