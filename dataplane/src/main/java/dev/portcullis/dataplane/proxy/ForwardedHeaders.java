package dev.portcullis.dataplane.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Rewrites heads as they cross the proxy: hop-by-hop headers out, X-Forwarded-* in, framing redone. */
public final class ForwardedHeaders {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    public static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");

    /** RFC 9110 7.6.1 connection-specific fields, plus the legacy Proxy-Connection. */
    private static final List<AsciiString> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

    private ForwardedHeaders() {
    }

    /**
     * Prepares a client's request for an endpoint, in place: HTTP/1.1 with keep-alive upstream,
     * Host kept, X-Forwarded-For appended, X-Forwarded-Proto/-Port/-Host and X-Real-IP set. A
     * client's own {@code Forwarded} (RFC 7239) is dropped: the proxy does not vouch for it, and a
     * pod that reads it would take the client's word for its address.
     */
    public static void rewriteRequest(HttpRequest request, String clientAddress, String scheme, int listenerPort) {
        rewriteRequest(request, clientAddress, clientAddress, scheme, listenerPort);
    }

    /**
     * As {@link #rewriteRequest(HttpRequest, String, String, int)}, where the connection's peer
     * ({@code peerAddress}, appended to X-Forwarded-For) is a trusted proxy and {@code clientAddress}
     * (X-Real-IP) is the client it names.
     */
    public static void rewriteRequest(HttpRequest request, String peerAddress, String clientAddress, String scheme,
                                      int listenerPort) {
        rewriteRequest(request, peerAddress, clientAddress, scheme, Integer.toString(listenerPort));
    }

    /** As above, with the listener's port as text (a connection's, made once, not per request). */
    static void rewriteRequest(HttpRequest request, String peerAddress, String clientAddress, String scheme,
                               CharSequence listenerPort) {
        HttpHeaders headers = request.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        removeHopByHop(headers);
        headers.remove(FORWARDED);
        ClientCertificateHeaders.removeFrom(headers); // only the proxy says what the client's certificate was
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);

        List<String> forwardedFor = headers.getAll(X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, forwardedFor.isEmpty() ? peerAddress
                : String.join(", ", forwardedFor) + ", " + peerAddress);
        headers.set(X_FORWARDED_PROTO, scheme);
        headers.set(X_FORWARDED_PORT, listenerPort);
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        headers.set(X_REAL_IP, clientAddress);
    }

    /** Whether the client's {@code TE} names {@code trailers} (gRPC clients always send {@code te: trailers}). */
    public static boolean acceptsTrailers(HttpRequest request) {
        for (String te : request.headers().getAll(HttpHeaderNames.TE)) {
            for (String token : te.split(",")) {
                int semicolon = token.indexOf(';');
                String coding = (semicolon < 0 ? token : token.substring(0, semicolon)).trim();
                if (coding.equalsIgnoreCase("trailers")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * After {@link #rewriteRequest}, for an HTTP/2 endpoint: {@code te: trailers}, the one TE that
     * HTTP/2 allows, goes on (a gRPC server refuses calls without it). The proxy carries trailers
     * both ways, so it can say so for the client.
     */
    public static void passTrailersAccepted(HttpRequest request) {
        request.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }

    /**
     * The protocol an HTTP/1.1 request asks to switch to ({@code Upgrade} named in {@code Connection}),
     * or null. {@code h2c} is not relayed: endpoints get HTTP/1.1 from this proxy, so the request is
     * served as the HTTP/1.1 it also is.
     */
    public static String upgradeRequested(HttpRequest request) {
        HttpHeaders headers = request.headers();
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || upgrade.isBlank() || !request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || upgrade.regionMatches(true, 0, "h2c", 0, 3)) {
            return null;
        }
        return upgrade;
    }

    /** After {@link #rewriteRequest}: the upgrade the client asked for goes on to the endpoint. */
    public static void askUpgrade(HttpRequest request, String protocol) {
        request.headers().set(HttpHeaderNames.UPGRADE, protocol).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }

    /**
     * Prepares an endpoint's response for the client, in place, and says whether the client
     * connection can stay open after it. A body of unknown length goes chunked to an HTTP/1.1
     * client, and ends the connection of an HTTP/1.0 one.
     */
    public static boolean rewriteResponse(HttpResponse response, boolean clientKeepAlive, HttpVersion clientVersion,
                                          boolean headRequest) {
        HttpHeaders headers = response.headers();
        boolean hasLength = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
        removeHopByHop(headers);
        boolean keepAlive = clientKeepAlive;
        boolean clientHttp11 = clientVersion.minorVersion() >= 1;
        if (mayHaveBody(response, headRequest) && !hasLength) {
            if (clientHttp11) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                keepAlive = false;
            }
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!clientHttp11) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return keepAlive;
    }

    private static boolean anyHopByHop(HttpHeaders headers) {
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            CharSequence name = entries.next().getKey();
            for (AsciiString hopByHop : HOP_BY_HOP) {
                if (hopByHop.contentEqualsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean mayHaveBody(HttpResponse response, boolean headRequest) {
        int code = response.status().code();
        return !headRequest && code >= 200 && code != 204 && code != 304;
    }

    static void removeHopByHop(HttpHeaders headers) {
        if (!anyHopByHop(headers)) {
            return; // the usual case: one pass over the names, no removals, no allocation
        }
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim();
                // Framing and routing headers are never dropped on a client's say-so.
                if (!name.isEmpty() && !HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
                        && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }
}
