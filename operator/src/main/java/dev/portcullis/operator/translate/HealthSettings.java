package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * An Ingress's active check (null: none), outlier ejection and retry policy for its clusters.
 * Part of a cluster's identity, like {@link ExchangeLimits}: only what differs from the defaults
 * shows in the cluster's name.
 */
record HealthSettings(HealthCheck check, OutlierDetection outliers, RetryPolicy retry) {

    static final HealthSettings DEFAULTS = new HealthSettings(null, OutlierDetection.DEFAULTS, RetryPolicy.DEFAULTS);

    HealthSettings {
        outliers = outliers == null ? OutlierDetection.DEFAULTS : outliers;
        retry = retry == null ? RetryPolicy.DEFAULTS : retry;
    }

    /** Every setting that differs from the defaults, so that two differently tuned clusters never share a name. */
    List<String> describe() {
        List<String> parts = new ArrayList<>();
        if (check != null) {
            StringBuilder text = new StringBuilder("health-check " + check.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (check.kind() == HealthCheck.Kind.HTTP) {
                text.append(' ').append(check.path());
                if (check.statusMin() != 200 || check.statusMax() != 399) {
                    text.append(' ').append(check.statusMin()).append('-').append(check.statusMax());
                }
            }
            text.append(" every ").append(ExchangeLimits.duration(check.intervalMillis()))
                    .append(" within ").append(ExchangeLimits.duration(check.timeoutMillis()))
                    .append(" ").append(check.unhealthyThreshold()).append(" down/").append(check.healthyThreshold()).append(" up");
            parts.add(text.toString());
        }
        if (!outliers.equals(OutlierDetection.DEFAULTS)) {
            parts.add(!outliers.enabled() ? "outlier off" : "outlier " + outliers.consecutiveFailures() + " failures "
                    + ExchangeLimits.duration(outliers.baseEjectionMillis()) + "-"
                    + ExchangeLimits.duration(outliers.maxEjectionMillis()) + " max " + outliers.maxEjectionPercent() + "%");
        }
        if (!retry.equals(RetryPolicy.DEFAULTS)) {
            StringBuilder text = new StringBuilder("retries " + retry.retries() + " on ");
            text.append(retry.retryOn().isEmpty() ? "none" : String.join("+", retry.retryOn().stream()
                    .map(on -> on.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList()));
            if (retry.perTryTimeoutMillis() > 0) {
                text.append(" per-try ").append(ExchangeLimits.duration(retry.perTryTimeoutMillis()));
            }
            if (retry.retryTimeoutMillis() > 0) {
                text.append(" within ").append(ExchangeLimits.duration(retry.retryTimeoutMillis()));
            }
            parts.add(text.toString());
        }
        return parts;
    }
}
