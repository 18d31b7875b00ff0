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
import java.util.Locale;

/**
 * The small responses the proxy answers itself (404, 413, 421, 502, 503, 504, 400...): short
 * HTML, JSON or plain text as the client's {@code Accept} prefers, each naming the request id
 * that the pod would have received (and that logs carry); to a gRPC call, a gRPC status instead
 * ({@link #grpc}), since a gRPC client reads trailers, not pages.
 */
public final class LocalResponses {

    /** The body formats a local answer comes in. */
    enum Format {
        TEXT("text/plain; charset=utf-8"), HTML("text/html; charset=utf-8"), JSON("application/json");

        final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        /**
         * The format the {@code Accept} field weighs highest (RFC 9110 12.5.1; among equals, the
         * first named); plain text when it names none of them, or is absent.
         */
        static Format preferred(String accept) {
            if (accept == null || accept.isEmpty()) {
                return TEXT;
            }
            Format best = TEXT;
            double bestWeight = 0;
            for (String range : accept.split(",")) {
                String[] parts = range.split(";");
                Format format = switch (parts[0].trim().toLowerCase(Locale.ROOT)) {
                    case "text/html", "application/xhtml+xml" -> HTML;
                    case "application/json", "application/problem+json" -> JSON;
                    case "text/plain" -> TEXT;
                    default -> null;
                };
                double weight = weight(parts);
                if (format != null && weight > bestWeight) {
                    best = format;
                    bestWeight = weight;
                }
            }
            return best;
        }

        private static double weight(String[] parameters) {
            for (int i = 1; i < parameters.length; i++) {
                String parameter = parameters[i].trim();
                if (parameter.length() > 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                        && parameter.charAt(1) == '=') {
                    try {
                        return Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException ignored) {
                        return 0;
                    }
                }
            }
            return 1;
        }
    }

    private LocalResponses() {
    }

    /** A permanent redirect that keeps the method and body (308), as the plain listener sends to https. */
    public static FullHttpResponse redirect(ByteBufAllocator allocator, String location, boolean keepAlive,
                                           String accept, String requestId) {
        return redirect(allocator, HttpResponseStatus.PERMANENT_REDIRECT, location, keepAlive, accept, requestId);
    }

    /** A redirect with the given 3xx status (a route's permanent or temporal redirect, its app root). */
    public static FullHttpResponse redirect(ByteBufAllocator allocator, HttpResponseStatus status, String location,
                                            boolean keepAlive, String accept, String requestId) {
        FullHttpResponse response = of(allocator, status, location, keepAlive, accept, requestId);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        return response;
    }

    public static FullHttpResponse of(ByteBufAllocator allocator, HttpResponseStatus status, String detail,
                                      boolean keepAlive, String accept, String requestId) {
        Format format = Format.preferred(accept);
        byte[] text = body(format, status, detail, requestId).getBytes(StandardCharsets.UTF_8);
        ByteBuf body = allocator.buffer(text.length).writeBytes(text);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, format.contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (requestId != null) {
            response.headers().set(RequestIds.X_REQUEST_ID, requestId);
        }
        return response;
    }

    static String body(Format format, HttpResponseStatus status, String detail, String requestId) {
        String id = requestId == null ? "" : requestId;
        return switch (format) {
            case TEXT -> status.code() + " " + status.reasonPhrase() + ": " + detail
                    + (requestId == null ? "" : " (request " + id + ")") + "\n";
            case JSON -> "{\"status\":" + status.code() + ",\"error\":\"" + json(status.reasonPhrase())
                    + "\",\"detail\":\"" + json(detail) + "\",\"requestId\":\"" + json(id) + "\"}\n";
            case HTML -> "<!DOCTYPE html>\n<html><head><title>" + status.code() + " " + html(status.reasonPhrase())
                    + "</title></head>\n<body><h1>" + status.code() + " " + html(status.reasonPhrase()) + "</h1>\n<p>"
                    + html(detail) + "</p>\n<p><small>request " + html(id) + "</small></p></body></html>\n";
        };
    }

    private static String json(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') { // also safe inside HTML, should it land there
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static String html(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
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
                                        boolean keepAlive, String requestId) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                allocator.buffer(0));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_GRPC)
                .setInt(GRPC_STATUS, grpcStatus(status))
                .set(GRPC_MESSAGE, percentEncoded(status.code() + " " + status.reasonPhrase() + ": " + detail
                        + (requestId == null ? "" : " (request " + requestId + ")")))
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (requestId != null) {
            response.headers().set(RequestIds.X_REQUEST_ID, requestId);
        }
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
