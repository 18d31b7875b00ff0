package dev.portcullis.dataplane.upstream;

/**
 * When a connection to an endpoint fails, whether to try the next one: the HTTP proxy and the
 * passthrough relay follow the same rule. At most {@value #MAX_ATTEMPTS} attempts, and never more
 * than the cluster has endpoints (the balancer hands out each in turn). A connect that failed sent
 * nothing, so retrying it is safe for any request. Once a request may have reached an endpoint (it
 * was written to a pooled connection that then closed without answering), only an idempotent one
 * (RFC 9110 9.2.2) is sent again: the endpoint may have acted on a POST it never answered.
 */
public final class ConnectRetryPolicy {

    public static final int MAX_ATTEMPTS = 3;

    private ConnectRetryPolicy() {
    }

    /** Methods whose repetition has the effect of one request (RFC 9110 9.2.2). */
    private static final java.util.Set<String> IDEMPOTENT = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    /**
     * A request written to a connection that closed before any response byte: send it again on a
     * new connection? Only a bodiless idempotent one (a body may have been consumed), and once.
     */
    public static boolean resendAfterSilentClose(String method, boolean hasBody, boolean alreadyResent) {
        return !alreadyResent && !hasBody && IDEMPOTENT.contains(method);
    }

    /**
     * A request the endpoint said it never acted on (an HTTP/2 stream refused or left out by a
     * GOAWAY): send it again on a new connection? Any method, since nothing happened; once; and
     * only without a body, whose bytes the proxy streamed on and no longer has.
     */
    public static boolean resendUnprocessed(boolean hasBody, boolean alreadyResent) {
        return !alreadyResent && !hasBody;
    }

    /**
     * After {@code attemptsSoFar} failed connects to {@code cluster}: try another endpoint? As far as
     * its retry policy allows ({@code connect-failure}, its number of retries), and never more
     * attempts than it has endpoints.
     */
    public static boolean tryAnother(int attemptsSoFar, dev.portcullis.dataplane.runtime.UpstreamCluster cluster) {
        var policy = cluster.source().retry();
        return policy.on(dev.portcullis.dataplane.config.RetryPolicy.On.CONNECT_FAILURE)
                && attemptsSoFar <= policy.retries() && attemptsSoFar < cluster.balancer().size();
    }

    /** After {@code attemptsSoFar} failed connects to a cluster of {@code endpoints}: try another? */
    public static boolean tryAnother(int attemptsSoFar, int endpoints) {
        return attemptsSoFar < Math.min(MAX_ATTEMPTS, endpoints);
    }
}
