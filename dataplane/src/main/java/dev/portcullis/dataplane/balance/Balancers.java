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

    public static Balancer forCluster(Cluster cluster) throws UnknownHostException {
        List<InetSocketAddress> ready = new ArrayList<>();
        List<Integer> weightList = new ArrayList<>();
        boolean weighted = false;
        for (Endpoint endpoint : cluster.endpoints()) {
            if (endpoint.ready()) {
                // Endpoints are IP literals (the validator refuses anything else): parsed, never looked up in DNS.
                InetAddress address = IpLiteral.parse(endpoint.address())
                        .orElseThrow(() -> new UnknownHostException(endpoint.address()));
                ready.add(new InetSocketAddress(address, endpoint.port()));
                weightList.add(endpoint.weight());
                weighted |= endpoint.weight() != Endpoint.DEFAULT_WEIGHT;
            }
        }
        int[] weights = weighted ? weightList.stream().mapToInt(Integer::intValue).toArray() : null;
        Balancer balancer = switch (cluster.balance()) {
            case CLIENT_IP -> new ClientIpBalancer(ready);
            case LEAST_REQUEST -> new LeastRequestBalancer(ready, weights);
            case RING_HASH -> new RingHashBalancer(ready, weights, cluster.hashBy());
            case ROUND_ROBIN -> new RoundRobinBalancer(ready, weights);
        };
        return cluster.affinity() == null ? balancer
                : new CookieAffinityBalancer(balancer, new CookieAffinity(cluster.name(), cluster.affinity(), ready));
    }
}
