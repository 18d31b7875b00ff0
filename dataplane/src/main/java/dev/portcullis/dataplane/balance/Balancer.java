package dev.portcullis.dataplane.balance;

import java.net.InetSocketAddress;

/** Chooses the endpoint for the next request; a retry simply asks again. */
public interface Balancer {

    /** The next endpoint, or {@code null} when none is ready. */
    InetSocketAddress next();

    /** How many ready endpoints there are to choose from. */
    int size();
}
