package dev.portcullis.dataplane.health;

/**
 * One endpoint as {@code /debug/endpoints} shows it.
 *
 * @param state            {@code healthy}, {@code ejected} or {@code failing-checks}
 * @param ejectedForMillis how much longer it stays ejected (0 when it is not)
 * @param lastCheckProblem why its last active check failed, or null
 */
public record EndpointView(String state, long ejectedForMillis, int timesEjected, int consecutiveFailures, long checks,
                           String lastCheckProblem) {
}
