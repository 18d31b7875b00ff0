package dev.portcullis.dataplane.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * One exchange's request body against its cluster's {@code maxRequestBodyBytes} (0: no limit): a
 * declared {@code Content-Length} over it is refused before any endpoint is connected, and a
 * streamed body (chunked, HTTP/2 DATA) is counted as it passes and refused the moment it crosses.
 */
final class RequestBodyLimit {

    /** After a 413, this much of the rest of the body is read and dropped so the client sees the answer, not a reset. */
    static final long DRAIN_ALLOWANCE_BYTES = 256 * 1024;

    private long max;
    private long received;

    /** A new exchange for a cluster with this limit. */
    void reset(long maxBytes) {
        max = maxBytes;
        received = 0;
    }

    long max() {
        return max;
    }

    /** Whether the head's {@code Content-Length} alone says the body is too large. */
    boolean declaredTooLarge(HttpRequest head) {
        return max > 0 && HttpUtil.getContentLength(head, -1L) > max;
    }

    /** Counts a chunk; whether the body has now grown past the limit (then the chunk must not be passed on). */
    boolean exceededBy(HttpContent content) {
        if (max <= 0) {
            return false;
        }
        received += content.content().readableBytes();
        return received > max;
    }
}
