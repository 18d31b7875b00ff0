package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.runtime.UpstreamCluster;

/**
 * Which deadline holds for an exchange with a cluster: the cluster's own where it sets one, else
 * the listener's. Read when a timer is armed or checked, so a phase change (the response starting)
 * changes the deadline that applies.
 */
final class ClusterTimeouts {

    private ClusterTimeouts() {
    }

    /** The endpoint's time to start its response once it has the whole request. */
    static long responseStart(UpstreamCluster cluster, Limits limits) {
        return cluster != null && cluster.responseTimeoutMillis() > 0
                ? cluster.responseTimeoutMillis() : limits.responseStartTimeoutMillis();
    }

    /**
     * An upgraded connection's (a WebSocket's) longest silence either way: the cluster's idle
     * timeout where it sets one (as ingress-nginx's {@code proxy-read-timeout} bounds a WebSocket),
     * else the long default.
     */
    static long upgradedIdle(UpstreamCluster cluster, long fallback) {
        return cluster != null && cluster.idleTimeoutMillis() > 0 ? cluster.idleTimeoutMillis() : fallback;
    }

    /**
     * The longest silence allowed in the exchange's bodies: while the request body goes to the
     * endpoint, its send timeout; once the response runs, its idle timeout; while both run (an
     * endpoint that answers before the upload ends), the longer of the two.
     */
    static long bodyIdle(UpstreamCluster cluster, Limits limits, boolean requestComplete, boolean responseStarted) {
        long listener = limits.bodyIdleTimeoutMillis();
        if (cluster == null) {
            return listener;
        }
        long send = cluster.sendTimeoutMillis() > 0 ? cluster.sendTimeoutMillis() : listener;
        long idle = cluster.idleTimeoutMillis() > 0 ? cluster.idleTimeoutMillis() : listener;
        if (!responseStarted) {
            return send;
        }
        return requestComplete ? idle : Math.max(send, idle);
    }
}
