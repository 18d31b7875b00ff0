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
import java.util.Locale;

/**
 * The small responses the proxy answers itself (404, 413, 421, 502, 503, 504, 400...): short
 * HTML, JSON or plain text as the client's {@code Accept} prefers, each naming the request id
 * that the pod would have received (and that logs carry).
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
        FullHttpResponse response = of(allocator, HttpResponseStatus.PERMANENT_REDIRECT, location, keepAlive, accept, requestId);
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
}
