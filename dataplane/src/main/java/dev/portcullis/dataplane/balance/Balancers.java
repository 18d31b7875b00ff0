package dev.portcullis.dataplane.balance;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.IpLiteral;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The balancer a cluster asks for, over its ready endpoints, built once per snapshot. */
public final class Balancers {

    private Balancers() {
    }

    /** The cluster's ready endpoints, in the snapshot's order. */
    public static List<InetSocketAddress> readyEndpoints(Cluster cluster) throws UnknownHostException {
        List<InetSocketAddress> ready = new ArrayList<>();
        for (Endpoint endpoint : cluster.endpoints()) {
            if (endpoint.ready()) {
                // Endpoints are IP literals (the validator refuses anything else): parsed, never looked up in DNS.
                InetAddress address = IpLiteral.parse(endpoint.address())
                        .orElseThrow(() -> new UnknownHostException(endpoint.address()));
                ready.add(new InetSocketAddress(address, endpoint.port()));
            }
        }
        return ready;
    }

    /** The balancer of {@code ready} (the cluster's {@link #readyEndpoints}), skipping what {@code health} refuses. */
    public static Balancer forCluster(Cluster cluster, List<InetSocketAddress> ready, EndpointFilter health) {
        int[] weights = cluster.endpoints().stream().filter(Endpoint::ready)
                .anyMatch(endpoint -> endpoint.weight() != Endpoint.DEFAULT_WEIGHT)
                ? cluster.endpoints().stream().filter(Endpoint::ready).mapToInt(Endpoint::weight).toArray() : null;
        Balancer balancer = switch (cluster.balance()) {
            case CLIENT_IP -> new ClientIpBalancer(ready, health);
            case LEAST_REQUEST -> healthyFirst(new LeastRequestBalancer(ready, weights), health);
            case RING_HASH -> healthyFirst(new RingHashBalancer(ready, weights, cluster.hashBy()), health);
            case ROUND_ROBIN -> new RoundRobinBalancer(ready, weights, health);
        };
        return cluster.affinity() == null ? balancer
                : new CookieAffinityBalancer(balancer, new CookieAffinity(cluster.name(), cluster.affinity(), ready), health);
    }

    private static Balancer healthyFirst(Balancer balancer, EndpointFilter health) {
        return health == EndpointFilter.ALL ? balancer : new HealthyFirstBalancer(balancer, health);
    }

    /** As {@link #forCluster(Cluster, List, EndpointFilter)}, every endpoint usable. */
    public static Balancer forCluster(Cluster cluster) throws UnknownHostException {
        return forCluster(cluster, readyEndpoints(cluster), EndpointFilter.ALL);
    }
}
