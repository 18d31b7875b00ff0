package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.access.AccessGate;
import dev.portcullis.dataplane.auth.AuthDecision;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The proxy's answers for who may not get in: 403 for a source range, 429 with {@code Retry-After}
 * for a rate limit, and what the external authentication service decided (a 302 to its sign-in
 * page, its 401 or 403, or 500), with the service's {@code WWW-Authenticate} and {@code Set-Cookie}.
 */
final class AccessAnswers {

    private AccessAnswers() {
    }

    static FullHttpResponse refused(ByteBufAllocator allocator, AccessGate.Refused refused, boolean keepAlive, String accept,
                                    String requestId) {
        FullHttpResponse answer = LocalResponses.of(allocator, refused.status(), refused.detail(), keepAlive, accept, requestId);
        if (refused.retryAfterSeconds() > 0) {
            answer.headers().set(HttpHeaderNames.RETRY_AFTER, refused.retryAfterSeconds());
        }
        return answer;
    }

    static FullHttpResponse denied(ByteBufAllocator allocator, AuthDecision.Deny deny, boolean keepAlive, String accept,
                                   String requestId) {
        FullHttpResponse answer = deny.location() != null
                ? LocalResponses.redirect(allocator, deny.status(), deny.location(), keepAlive, accept, requestId)
                : LocalResponses.of(allocator, deny.status(), deny.detail(), keepAlive, accept, requestId);
        deny.headers().forEach(header -> answer.headers().add(header.getKey(), header.getValue()));
        return answer;
    }

    /** {@code scheme://host/target} as the client asked: the subrequest's {@code X-Original-URL} and the sign-in's {@code rd}. */
    static String originalUrl(String scheme, HttpRequest head, String clientUri) {
        String host = head.headers().get(HttpHeaderNames.HOST, "");
        return scheme + "://" + host + (clientUri.startsWith("/") ? clientUri
                : RequestTarget.path(clientUri) + RequestTarget.query(clientUri));
    }
}
