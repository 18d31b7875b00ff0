package dev.portcullis.dataplane.controlplane;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Waits between attempts to reach the control plane: full jitter (uniformly random between zero
 * and a ceiling, so replicas do not reconnect in step), the ceiling starting at {@code initial}
 * and doubling with each consecutive failure up to {@code max}; any success starts over.
 */
final class Backoff {

    static final Duration INITIAL = Duration.ofMillis(100);
    // Low on purpose: while the operator restarts, the ceiling grows with the outage, and the wait
    // after it returns is up to one ceiling. A refused connection costs the operator nothing.
    static final Duration MAX = Duration.ofSeconds(2);

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, not " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    static Backoff forReconnects() {
        return new Backoff(INITIAL, MAX, RandomGenerator.getDefault());
    }

    /** Counts one more failure in a row and says how long to wait before the next attempt. */
    Duration afterFailure() {
        failures++;
        return Duration.ofMillis(random.nextLong(ceiling(failures).toMillis() + 1));
    }

    void afterSuccess() {
        failures = 0;
    }

    int failures() {
        return failures;
    }

    /** The longest wait after {@code failures} consecutive failures (1 for the first). */
    Duration ceiling(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures start at 1, not " + failures);
        }
        long doubled = initial.toMillis() << Math.min(failures - 1, 32);
        return Duration.ofMillis(Math.min(max.toMillis(), doubled));
    }
}
