package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Chooses the endpoint for the next request or connection. */
public interface Balancer {

    /**
     * The endpoint for a request from {@code client}, or {@code null} when none is ready.
     * {@code attempt} counts retries of the same request (0 first), so a retry can move on.
     */
    InetSocketAddress next(InetAddress client, int attempt);

    /** How many ready endpoints there are to choose from. */
    int size();

    /** The endpoint for an HTTP request: balancers keyed by a header or cookie read them from {@code request}. */
    default InetSocketAddress next(BalanceRequest request, int attempt) {
        return next(request.client(), attempt);
    }

    /** A request (or passthrough connection) went to {@code endpoint}; each is matched by one {@link #finished}. */
    default void started(InetSocketAddress endpoint) {
    }

    /** The request (or connection) {@link #started} on {@code endpoint} is over. */
    default void finished(InetSocketAddress endpoint) {
    }

    /** Requests (or passthrough connections) in flight to {@code endpoint}, where the policy counts them; else 0. */
    default int inFlight(InetSocketAddress endpoint) {
        return 0;
    }

    /** The cluster's cookie affinity, or {@code null}. */
    default CookieAffinity affinity() {
        return null;
    }
}
