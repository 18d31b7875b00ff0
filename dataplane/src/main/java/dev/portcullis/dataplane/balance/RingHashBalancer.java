package dev.portcullis.dataplane.balance;

import dev.portcullis.dataplane.config.HashKey;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * A consistent hash ring: each endpoint owns {@value #POINTS_PER_WEIGHT} points per unit of weight,
 * placed by a hash of its address and port only, so removing an endpoint moves only the keys that
 * were its own and adding one takes keys only for itself. A request goes to the owner of the first
 * point at or after the hash of its key (a header, a cookie, the request target or the client address); retry {@code n}
 * goes to the n-th other endpoint along the ring. A request without its key is balanced round-robin.
 * The ring is built once per snapshot; a lookup is a binary search, without allocation.
 */
public final class RingHashBalancer implements Balancer {

    static final int POINTS_PER_WEIGHT = 160;
    /** Largest ring: past it every endpoint gets fewer points per weight (and churn moves a little more). */
    static final int MAX_POINTS = 1 << 17;

    private final List<InetSocketAddress> endpoints;
    private final HashKey key;
    private final long[] points;
    private final int[] owners;
    private final RoundRobinBalancer keyless;

    /** {@code weights} (one per endpoint, each at least 1) or {@code null} for equal shares. */
    public RingHashBalancer(List<InetSocketAddress> readyEndpoints, int[] weights, HashKey key) {
        this.endpoints = List.copyOf(readyEndpoints);
        this.key = key == null ? HashKey.CLIENT_ADDRESS : key;
        this.keyless = new RoundRobinBalancer(endpoints, weights);
        long totalWeight = 0;
        for (int i = 0; i < endpoints.size(); i++) {
            totalWeight += weights == null ? 1 : weights[i];
        }
        long perWeight = totalWeight == 0 ? 0 : Math.max(1, Math.min(POINTS_PER_WEIGHT, MAX_POINTS / totalWeight));
        int count = (int) (perWeight * totalWeight);
        long[] packedHashes = new long[count];
        int[] packedOwners = new int[count];
        int at = 0;
        for (int i = 0; i < endpoints.size(); i++) {
            long seed = Hashing.of(endpoints.get(i));
            long replicas = perWeight * (weights == null ? 1 : weights[i]);
            for (long r = 0; r < replicas; r++) {
                packedHashes[at] = Hashing.mix(seed + r * 0x9E3779B97F4A7C15L);
                packedOwners[at++] = i;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        // Ties (equal hashes) are ordered by owner address, so every data plane builds the same ring.
        Arrays.sort(order, (x, y) -> packedHashes[x] != packedHashes[y] ? Long.compare(packedHashes[x], packedHashes[y])
                : Long.compare(Hashing.of(endpoints.get(packedOwners[x])), Hashing.of(endpoints.get(packedOwners[y]))));
        points = new long[count];
        owners = new int[count];
        for (int i = 0; i < count; i++) {
            points[i] = packedHashes[order[i]];
            owners[i] = packedOwners[order[i]];
        }
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        return next(BalanceRequest.of(client), attempt);
    }

    @Override
    public InetSocketAddress next(BalanceRequest request, int attempt) {
        if (endpoints.isEmpty()) {
            return null;
        }
        long hash;
        switch (key.source()) {
            case HEADER -> {
                String value = request.header(key.name());
                if (value == null) {
                    return keyless.next(request.client(), attempt);
                }
                hash = Hashing.of(value);
            }
            case COOKIE -> {
                String value = request.cookie(key.name());
                if (value == null) {
                    return keyless.next(request.client(), attempt);
                }
                hash = Hashing.of(value);
            }
            case URI -> {
                String value = request.uri();
                if (value == null) {
                    return keyless.next(request.client(), attempt);
                }
                hash = Hashing.of(value);
            }
            default -> hash = Hashing.mix(request.client().hashCode());
        }
        return endpoints.get(ownerAfter(hash, attempt));
    }

    /** The endpoint index owning {@code hash}, or for {@code attempt > 0} the attempt-th other one clockwise. */
    int ownerAfter(long hash, int attempt) {
        int start = Arrays.binarySearch(points, hash);
        start = start >= 0 ? start : -start - 1;
        if (start == points.length) {
            start = 0;
        }
        int wanted = attempt % endpoints.size();
        if (wanted == 0) {
            return owners[start];
        }
        boolean[] seen = new boolean[endpoints.size()]; // a retry only: allocation off the common path
        int distinct = 0;
        for (int step = 0; step < points.length; step++) {
            int owner = owners[(start + step) % points.length];
            if (!seen[owner]) {
                seen[owner] = true;
                if (distinct++ == wanted) {
                    return owner;
                }
            }
        }
        return owners[start];
    }

    @Override
    public int size() {
        return endpoints.size();
    }
}
