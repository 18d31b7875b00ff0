package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Power of two random choices: two different endpoints drawn at random, the one with fewer
 * requests in flight (relative to its weight) wins. A slow endpoint holds its requests longer, so
 * it is chosen less; unlike "the least loaded of all", many proxies deciding at once do not all
 * pile onto the same idle endpoint.
 */
public final class LeastRequestBalancer implements Balancer {

    private final InetSocketAddress[] endpoints;
    private final int[] weights;
    private final AtomicIntegerArray inFlight;
    private final Map<InetSocketAddress, Integer> indexes = new HashMap<>();

    /** {@code weights} (one per endpoint, each at least 1) or {@code null} for equal shares. */
    public LeastRequestBalancer(List<InetSocketAddress> readyEndpoints, int[] weights) {
        this.endpoints = readyEndpoints.toArray(InetSocketAddress[]::new);
        this.weights = weights == null ? filled(endpoints.length) : weights.clone();
        this.inFlight = new AtomicIntegerArray(endpoints.length);
        for (int i = 0; i < endpoints.length; i++) {
            indexes.putIfAbsent(endpoints[i], i);
        }
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        int n = endpoints.length;
        if (n < 2) {
            return n == 0 ? null : endpoints[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        // inFlight[a] / weight[a] against inFlight[b] / weight[b], without division.
        long loadA = (long) inFlight.get(a) * weights[b];
        long loadB = (long) inFlight.get(b) * weights[a];
        int chosen = loadA < loadB ? a : loadB < loadA ? b : random.nextBoolean() ? a : b;
        return endpoints[chosen];
    }

    @Override
    public void started(InetSocketAddress endpoint) {
        Integer index = indexes.get(endpoint);
        if (index != null) {
            inFlight.incrementAndGet(index);
        }
    }

    @Override
    public void finished(InetSocketAddress endpoint) {
        Integer index = indexes.get(endpoint);
        if (index != null) {
            inFlight.decrementAndGet(index);
        }
    }

    @Override
    public int inFlight(InetSocketAddress endpoint) {
        Integer index = indexes.get(endpoint);
        return index == null ? 0 : inFlight.get(index);
    }

    @Override
    public int size() {
        return endpoints.length;
    }

    private static int[] filled(int n) {
        int[] ones = new int[n];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }
}
