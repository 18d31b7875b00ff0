package dev.portcullis.dataplane.config;

import java.util.List;

/** What {@link SnapshotValidator} says about a cluster's active check, outlier ejection and retries. */
final class HealthSettingsCheck {

    private HealthSettingsCheck() {
    }

    static void check(String where, Cluster cluster, List<String> problems) {
        HealthCheck check = cluster.healthCheck();
        if (check != null) {
            if (check.kind() == null) {
                problems.add(where + ": healthCheck.kind is missing (http, tls or tcp)");
            } else if (check.kind() == HealthCheck.Kind.HTTP && (check.path() == null || !check.path().startsWith("/")
                    || check.path().chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
                problems.add(where + ": healthCheck.path must start with / and hold no space or control character");
            }
            if (check.statusMin() < 100 || check.statusMax() > 599 || check.statusMin() > check.statusMax()) {
                problems.add(where + ": healthCheck status range " + check.statusMin() + "-" + check.statusMax()
                        + " is not within 100-599");
            }
            if (check.intervalMillis() < 1 || check.timeoutMillis() < 1) {
                problems.add(where + ": healthCheck interval and timeout must be positive");
            }
            if (check.healthyThreshold() < 1 || check.unhealthyThreshold() < 1) {
                problems.add(where + ": healthCheck thresholds must be at least 1");
            }
        }
        OutlierDetection outliers = cluster.outlierDetection();
        if (outliers.consecutiveFailures() < 1 || outliers.baseEjectionMillis() < 1
                || outliers.maxEjectionMillis() < outliers.baseEjectionMillis()
                || outliers.maxEjectionPercent() < 0 || outliers.maxEjectionPercent() > 100) {
            problems.add(where + ": outlierDetection needs consecutiveFailures >= 1, 1 <= baseEjectionMillis <= "
                    + "maxEjectionMillis and maxEjectionPercent within 0-100");
        }
        RetryPolicy retry = cluster.retry();
        if (retry.retries() < 0 || retry.retries() > RetryPolicy.MAX_RETRIES || retry.perTryTimeoutMillis() < 0
                || retry.retryTimeoutMillis() < 0) {
            problems.add(where + ": retry needs retries within 0-" + RetryPolicy.MAX_RETRIES + " and timeouts >= 0");
        }
    }
}
