package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Client-IP affinity by rendezvous (highest random weight) hashing: each client address goes to the
 * endpoint with the highest hash of (client, endpoint). The choice is stable while the endpoint
 * set is, and when an endpoint leaves only its own clients move. Retry {@code n} of a client goes
 * to its n-th highest endpoint.
 */
public final class ClientIpBalancer implements Balancer {

    private final List<InetSocketAddress> endpoints;
    private final long[] endpointSeeds;
    private final EndpointFilter filter;

    public ClientIpBalancer(List<InetSocketAddress> readyEndpoints) {
        this(readyEndpoints, EndpointFilter.ALL);
    }

    /**
     * A client whose endpoint {@code filter} refuses goes to its next-ranked usable one (and back
     * when its own returns), unless the filter refuses them all.
     */
    public ClientIpBalancer(List<InetSocketAddress> readyEndpoints, EndpointFilter filter) {
        this.filter = filter;
        this.endpoints = List.copyOf(readyEndpoints);
        this.endpointSeeds = endpoints.stream().mapToLong(endpoint -> mix(Arrays.hashCode(endpoint.getAddress().getAddress()) * 31L
                + endpoint.getPort())).toArray();
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        if (endpoints.isEmpty()) {
            return null;
        }
        for (int skipped = 0; skipped < endpoints.size(); skipped++) {
            InetSocketAddress candidate = endpoints.get(rank(client, attempt + skipped));
            if (filter.usable(candidate)) {
                return candidate;
            }
        }
        return endpoints.get(rank(client, attempt));
    }

    /** The index of the endpoint ranked {@code place} (0 = the client's own) for this client. */
    public int rank(InetAddress client, int place) {
        long clientHash = mix(Arrays.hashCode(client.getAddress()));
        long[] weights = new long[endpointSeeds.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = mix(clientHash ^ endpointSeeds[i]);
        }
        int chosen = -1;
        for (int round = 0; round <= place % weights.length; round++) {
            chosen = -1;
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] != Long.MIN_VALUE && (chosen < 0 || weights[i] > weights[chosen])) {
                    chosen = i;
                }
            }
            if (round < place % weights.length) {
                weights[chosen] = Long.MIN_VALUE;
            }
        }
        return chosen;
    }

    @Override
    public int size() {
        return endpoints.size();
    }

    /** SplitMix64's finalizer: spreads similar inputs (neighbouring IPs) over the whole range. */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
