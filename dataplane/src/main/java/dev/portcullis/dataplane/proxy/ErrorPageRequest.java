package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.ErrorBackend;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * The request that asks an error backend for the page of one status, as ingress-nginx's
 * {@code custom-http-errors} asks its default backend: {@code GET /} (HEAD for a HEAD request,
 * whose answer has no body) with the status and what the client asked for in {@code X-} fields,
 * and the forwarding fields the pod would have had. The client's body is never sent again.
 */
final class ErrorPageRequest {

    static final AsciiString X_CODE = AsciiString.cached("x-code");
    static final AsciiString X_FORMAT = AsciiString.cached("x-format");
    static final AsciiString X_ORIGINAL_URI = AsciiString.cached("x-original-uri");
    static final AsciiString X_NAMESPACE = AsciiString.cached("x-namespace");
    static final AsciiString X_INGRESS_NAME = AsciiString.cached("x-ingress-name");
    static final AsciiString X_SERVICE_NAME = AsciiString.cached("x-service-name");
    static final AsciiString X_SERVICE_PORT = AsciiString.cached("x-service-port");

    /** What the pod got that the error backend gets too. */
    private static final List<AsciiString> CARRIED = List.of(HttpHeaderNames.HOST, ForwardedHeaders.X_FORWARDED_FOR,
            ForwardedHeaders.X_FORWARDED_PROTO, ForwardedHeaders.X_FORWARDED_PORT, ForwardedHeaders.X_FORWARDED_HOST,
            ForwardedHeaders.X_REAL_IP, RequestIds.X_REQUEST_ID);

    private ErrorPageRequest() {
    }

    /**
     * @param forwarded   the request as it went (or would have gone) to the pod
     * @param originalUri the client's request target, before any rewrite
     * @param accept      the client's {@code Accept}, or {@code null}
     */
    static HttpRequest of(ErrorBackend backend, int status, HttpRequest forwarded, String originalUri, String accept) {
        HttpMethod method = HttpMethod.HEAD.equals(forwarded.method()) ? HttpMethod.HEAD : HttpMethod.GET;
        HttpRequest page = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/");
        HttpHeaders headers = page.headers();
        for (AsciiString name : CARRIED) {
            String value = forwarded.headers().get(name);
            if (value != null) {
                headers.set(name, value);
            }
        }
        headers.set(X_CODE, status);
        headers.set(X_FORMAT, accept == null ? "text/html" : accept);
        headers.set(X_ORIGINAL_URI, originalUri);
        setIfPresent(headers, X_NAMESPACE, backend.namespace());
        setIfPresent(headers, X_INGRESS_NAME, backend.ingress());
        setIfPresent(headers, X_SERVICE_NAME, backend.service());
        setIfPresent(headers, X_SERVICE_PORT, backend.servicePort());
        return page;
    }

    private static void setIfPresent(HttpHeaders headers, AsciiString name, String value) {
        if (value != null) {
            headers.set(name, value);
        }
    }
}
