package dev.portcullis.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/**
 * The small plain-text responses the proxy answers itself (404, 502, 503, 504, 400...), and their
 * gRPC form for gRPC requests, whose clients read a status from trailers and not a page.
 */
public final class LocalResponses {
    private LocalResponses() {
    }

    /** A permanent redirect that keeps the method and body (308), as the plain listener sends to https. */
    public static FullHttpResponse redirect(ByteBufAllocator allocator, String location, boolean keepAlive) {
        FullHttpResponse response = of(allocator, HttpResponseStatus.PERMANENT_REDIRECT, location, keepAlive);
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

    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    private static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");

    /** A gRPC call ({@code content-type: application/grpc}, {@code application/grpc+proto}, ...). */
    public static boolean isGrpc(HttpRequest request) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
                && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
    }

    /**
     * The proxy's answer to a gRPC call as gRPC says it: HTTP 200 with the status in a
     * Trailers-Only response (one HEADERS frame that ends the stream over HTTP/2), never a page the
     * client could not read. {@code status} is what an HTTP client would have got.
     */
    public static FullHttpResponse grpc(ByteBufAllocator allocator, HttpResponseStatus status, String detail,
                                        boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                allocator.buffer(0));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_GRPC)
                .setInt(GRPC_STATUS, grpcStatus(status))
                .set(GRPC_MESSAGE, percentEncoded(status.code() + " " + status.reasonPhrase() + ": " + detail))
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return response;
    }

    /**
     * gRPC's mapping of HTTP statuses (doc/http-grpc-status-mapping.md), except that the proxy's own
     * timeouts are DEADLINE_EXCEEDED (4): the call ran out of time rather than found nobody.
     */
    static int grpcStatus(HttpResponseStatus status) {
        return switch (status.code()) {
            case 408, 504 -> 4;              // DEADLINE_EXCEEDED
            case 421, 429, 502, 503 -> 14;   // UNAVAILABLE: another try may work
            case 404 -> 12;                  // UNIMPLEMENTED
            case 413, 431 -> 8;              // RESOURCE_EXHAUSTED
            case 400 -> 13;                  // INTERNAL
            case 401 -> 16;                  // UNAUTHENTICATED
            case 403 -> 7;                   // PERMISSION_DENIED
            default -> 2;                    // UNKNOWN
        };
    }

    /** grpc-message is percent-encoded UTF-8: every byte outside printable ASCII, and '%' itself. */
    static String percentEncoded(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0x20 && b <= 0x7e && b != '%') {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
