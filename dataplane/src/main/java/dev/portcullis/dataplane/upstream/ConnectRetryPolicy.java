package dev.portcullis.dataplane.upstream;

/**
 * When a connection to an endpoint fails, whether to try the next one: the HTTP proxy and the
 * passthrough relay follow the same rule. At most {@value #MAX_ATTEMPTS} attempts, and never more
 * than the cluster has endpoints (the balancer hands out each in turn). A connect that failed sent
 * nothing, so retrying it is safe for any request.
 */
public final class ConnectRetryPolicy {

    public static final int MAX_ATTEMPTS = 3;

    private ConnectRetryPolicy() {
    }

    /** After {@code attemptsSoFar} failed connects to a cluster of {@code endpoints}: try another? */
    public static boolean tryAnother(int attemptsSoFar, int endpoints) {
        return attemptsSoFar < Math.min(MAX_ATTEMPTS, endpoints);
    }
}
