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
}
