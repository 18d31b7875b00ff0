package dev.portcullis.operator.annotation;

/**
 * The values of {@code portcullis.dev/backend-protocol} (and of ingress-nginx's
 * {@code backend-protocol}): how the proxy speaks to the pods. Two things in one word: whether the
 * connection to a pod is TLS (re-encryption) and whether it carries HTTP/1.1 or HTTP/2. gRPC is
 * HTTP/2; its values exist because that is how users (and ingress-nginx) name it.
 */
public enum BackendProtocolAnnotation {
    HTTP(false, false),
    HTTPS(true, false),
    H2C(false, true),
    H2(true, true),
    GRPC(false, true),
    GRPCS(true, true);

    private final boolean tls;
    private final boolean http2;

    BackendProtocolAnnotation(boolean tls, boolean http2) {
        this.tls = tls;
        this.http2 = http2;
    }

    /** TLS to the pods: the host is re-encrypted. */
    public boolean tls() {
        return tls;
    }

    /** HTTP/2 to the pods (h2c with prior knowledge in plain text, h2 by ALPN over TLS). */
    public boolean http2() {
        return http2;
    }
}
