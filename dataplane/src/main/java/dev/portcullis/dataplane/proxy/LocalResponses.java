package dev.portcullis.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** The small plain-text responses the proxy answers itself (404, 502, 503, 504, 400...). */
public final class LocalResponses {
    private LocalResponses() {
    }

    /** A permanent redirect that keeps the method and body (308), as the plain listener sends to https. */
    public static FullHttpResponse redirect(ByteBufAllocator allocator, String location, boolean keepAlive) {
        return redirect(allocator, HttpResponseStatus.PERMANENT_REDIRECT, location, keepAlive);
    }

    /** A redirect with the given 3xx status (a route's permanent or temporal redirect, its app root). */
    public static FullHttpResponse redirect(ByteBufAllocator allocator, HttpResponseStatus status, String location,
                                            boolean keepAlive) {
        FullHttpResponse response = of(allocator, status, location, keepAlive);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        return response;
    }

    public static FullHttpResponse of(ByteBufAllocator allocator, HttpResponseStatus status, String detail,
                                      boolean keepAlive) {
        byte[] text = (status.code() + " " + status.reasonPhrase() + ": " + detail + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuf body = allocator.buffer(text.length).writeBytes(text);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return response;
    }
}
