package dev.portcullis.dataplane.config;

/**
 * Passive ejection: an endpoint that fails {@code consecutiveFailures} exchanges in a row (a 5xx
 * answer, a refused connect, a connection closed before any response byte) leaves balancing for
 * {@code baseEjectionMillis} times the number of times it was ejected, at most
 * {@code maxEjectionMillis}, then returns on its own. No more than {@code maxEjectionPercent} of a
 * cluster's endpoints are out at once. On by default ({@link #DEFAULTS}); a cluster without the
 * field in its JSON has the defaults.
 */
public record OutlierDetection(boolean enabled, int consecutiveFailures, long baseEjectionMillis, long maxEjectionMillis,
                               int maxEjectionPercent) {

    public static final OutlierDetection DEFAULTS = new OutlierDetection(true, 5, 30_000, 300_000, 50);
    public static final OutlierDetection OFF = new OutlierDetection(false, 5, 30_000, 300_000, 50);

    /** Leaves the defaults out of JSON, so snapshots that do not tune it read as before. */
    static final class DefaultsFilter {
        @Override
        public boolean equals(Object value) {
            return value == null || DEFAULTS.equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
