package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each request goes to the next ready endpoint in turn, skipping those its filter refuses. */
public final class RoundRobinBalancer implements Balancer {

    private final List<InetSocketAddress> endpoints;
    private final AtomicInteger counter = new AtomicInteger();
    private final EndpointFilter filter;

    public RoundRobinBalancer(List<InetSocketAddress> readyEndpoints) {
        this(readyEndpoints, EndpointFilter.ALL);
    }

    /** Skips the endpoints {@code filter} refuses, unless it refuses them all. */
    public RoundRobinBalancer(List<InetSocketAddress> readyEndpoints, EndpointFilter filter) {
        this.endpoints = List.copyOf(readyEndpoints);
        this.filter = filter;
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        if (endpoints.isEmpty()) {
            return null;
        }
        int start = counter.getAndIncrement();
        for (int i = 0; i < endpoints.size(); i++) {
            InetSocketAddress candidate = endpoints.get(Math.floorMod(start + i, endpoints.size()));
            if (filter.usable(candidate)) {
                if (i > 0) {
                    counter.addAndGet(i); // the next request starts after the one chosen
                }
                return candidate;
            }
        }
        return endpoints.get(Math.floorMod(start, endpoints.size()));
    }

    @Override
    public int size() {
        return endpoints.size();
    }
}
