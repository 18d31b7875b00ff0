package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each request goes to the next ready endpoint in turn. */
public final class RoundRobinBalancer implements Balancer {

    private final List<InetSocketAddress> endpoints;
    private final AtomicInteger counter = new AtomicInteger();

    public RoundRobinBalancer(List<InetSocketAddress> readyEndpoints) {
        this.endpoints = List.copyOf(readyEndpoints);
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        if (endpoints.isEmpty()) {
            return null;
        }
        return endpoints.get(Math.floorMod(counter.getAndIncrement(), endpoints.size()));
    }

    @Override
    public int size() {
        return endpoints.size();
    }
}
