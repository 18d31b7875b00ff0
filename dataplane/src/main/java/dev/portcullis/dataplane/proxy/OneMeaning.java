package dev.portcullis.dataplane.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;

/**
 * Whether a request head means one thing to every parser on its way (RFC 9110, 9112, 9113): one
 * Host, equal to an absolute-form target's authority; a target whose path normalises and holds no
 * control byte; no CONNECT (a reverse proxy tunnels nothing). A request that fails is answered by
 * the proxy and the connection closed: the pod never sees it.
 */
final class OneMeaning {

    private OneMeaning() {
    }

    /** Why the request is ambiguous, for the 400 (or 405) body; {@code null} when it is not. */
    static String problem(HttpRequest head, boolean http2) {
        if (HttpMethod.CONNECT.equals(head.method())) {
            return "CONNECT is not served";
        }
        List<String> hosts = head.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.isEmpty() && head.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return "an HTTP/1.1 request needs a Host";
        }
        // HTTP/2's :authority arrives as a Host field: a Host sent beside it must name the same.
        boolean sameNames = true;
        for (int i = 1; i < hosts.size(); i++) {
            sameNames &= hosts.get(i).equalsIgnoreCase(hosts.getFirst());
        }
        if (hosts.size() > 1 && !(http2 && sameNames)) {
            return "more than one Host";
        }
        String authority = RequestTarget.authority(head.uri());
        if (authority != null && !hosts.isEmpty() && !authority.equalsIgnoreCase(hosts.getFirst())) {
            return "the target's authority and Host differ";
        }
        String uri = head.uri();
        if (authority == null && !uri.startsWith("/")) {
            return "the target is neither a path nor an absolute URI";
        }
        if (RequestTarget.normalizedPath(RequestTarget.path(uri)) == null || !RequestTarget.isCleanQuery(uri)) {
            return "the target holds a control byte, NUL or a bad escape";
        }
        return null;
    }
}
