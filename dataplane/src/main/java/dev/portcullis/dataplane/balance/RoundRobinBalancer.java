package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each request goes to the next ready endpoint in turn, skipping those its filter refuses. With
 * weights, the turn is nginx's smooth weighted round-robin, computed once: weights 5, 1, 1 give
 * a a b a c a a, not a a a a a b c.
 */
public final class RoundRobinBalancer implements Balancer {

    /** Longest precomputed turn; heavier weight sums fall back to weighted picks along a scrambled counter. */
    static final int MAX_SEQUENCE = 1 << 12;

    private final List<InetSocketAddress> endpoints;
    private final int[] sequence;
    private final long[] cumulative;
    private final AtomicInteger counter = new AtomicInteger();
    private final EndpointFilter filter;

    public RoundRobinBalancer(List<InetSocketAddress> readyEndpoints) {
        this(readyEndpoints, null, EndpointFilter.ALL);
    }

    /** Skips the endpoints {@code filter} refuses, unless it refuses them all. */
    public RoundRobinBalancer(List<InetSocketAddress> readyEndpoints, EndpointFilter filter) {
        this(readyEndpoints, null, filter);
    }

    /** {@code weights} (one per endpoint, each at least 1) or {@code null} for equal shares. */
    public RoundRobinBalancer(List<InetSocketAddress> readyEndpoints, int[] weights) {
        this(readyEndpoints, weights, EndpointFilter.ALL);
    }

    public RoundRobinBalancer(List<InetSocketAddress> readyEndpoints, int[] weights, EndpointFilter filter) {
        this.endpoints = List.copyOf(readyEndpoints);
        this.filter = filter;
        long total = 0;
        boolean equal = true;
        for (int i = 0; weights != null && i < weights.length; i++) {
            total += weights[i];
            equal &= weights[i] == weights[0];
        }
        if (weights == null || equal) {
            sequence = null;
            cumulative = null;
        } else if (total <= MAX_SEQUENCE) {
            sequence = smooth(weights, (int) total);
            cumulative = null;
        } else {
            sequence = null;
            cumulative = new long[weights.length];
            long sum = 0;
            for (int i = 0; i < weights.length; i++) {
                cumulative[i] = sum += weights[i];
            }
        }
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        if (endpoints.isEmpty()) {
            return null;
        }
        // A few more turns past refused endpoints, then the first usable one in order; none: the turn's (panic).
        int first = counter.getAndIncrement();
        InetSocketAddress chosen = turn(first);
        for (int i = 0; i < 2 * endpoints.size() && !filter.usable(chosen); i++) {
            chosen = turn(counter.getAndIncrement());
        }
        if (filter.usable(chosen)) {
            return chosen;
        }
        for (int i = 0; i < endpoints.size(); i++) {
            InetSocketAddress candidate = endpoints.get(Math.floorMod(first + i, endpoints.size()));
            if (filter.usable(candidate)) {
                return candidate;
            }
        }
        return turn(first);
    }

    private InetSocketAddress turn(int turn) {
        if (sequence != null) {
            return endpoints.get(sequence[Math.floorMod(turn, sequence.length)]);
        }
        if (cumulative != null) {
            long total = cumulative[cumulative.length - 1];
            long point = Math.floorMod(Hashing.mix(turn), total);
            int found = java.util.Arrays.binarySearch(cumulative, point + 1);
            return endpoints.get(found >= 0 ? found : -found - 1);
        }
        return endpoints.get(Math.floorMod(turn, endpoints.size()));
    }

    @Override
    public int size() {
        return endpoints.size();
    }

    /** nginx's smooth weighted round-robin, one full cycle of {@code total} turns. */
    private static int[] smooth(int[] weights, int total) {
        int[] sequence = new int[total];
        long[] current = new long[weights.length];
        for (int turn = 0; turn < total; turn++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            sequence[turn] = best;
        }
        return sequence;
    }
}
