package dev.portcullis.dataplane.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds a cluster's retries so that they cannot multiply an outage (Envoy's retry budget): at
 * any moment at most {@value #PERCENT} % of the cluster's active requests may be in a retry, but
 * always {@value #MIN_CONCURRENT}. When every endpoint fails, most requests then fail once instead
 * of hitting every pod several times.
 */
public final class RetryBudget {

    static final int PERCENT = 20;
    static final int MIN_CONCURRENT = 3;

    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger retrying = new AtomicInteger();

    void requestStarted() {
        active.incrementAndGet();
    }

    void requestEnded() {
        active.decrementAndGet();
    }

    /** Takes a retry slot, held until {@link #retryEnded}; false when the budget is spent. */
    boolean tryStartRetry() {
        while (true) {
            int now = retrying.get();
            if (now >= Math.max(MIN_CONCURRENT, active.get() * PERCENT / 100)) {
                return false;
            }
            if (retrying.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void retryEnded() {
        retrying.decrementAndGet();
    }

    /** Requests of the cluster under way and those of them in a retry, for the admin view. */
    public int active() {
        return active.get();
    }

    public int retrying() {
        return retrying.get();
    }
}
