package dev.portcullis.dataplane.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint health as meters: usable endpoints per cluster (a gauge whose rows follow the clusters
 * served), ejections, active-check verdict changes, retries and retries the budget refused.
 */
public class HealthMetrics {

    /** Meters nothing: for health compiled outside a data plane. */
    public static final HealthMetrics NONE = new HealthMetrics();

    private final MeterRegistry registry;
    private final MultiGauge usableEndpoints;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private HealthMetrics() {
        this.registry = null;
        this.usableEndpoints = null;
    }

    public HealthMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.usableEndpoints = MultiGauge.builder("portcullis.cluster.healthy.endpoints")
                .description("ready endpoints of the cluster that are neither ejected nor failing their active check")
                .register(registry);
    }

    void clustersServed(Collection<ClusterHealth> clusters) {
        if (usableEndpoints != null) {
            usableEndpoints.register(clusters.stream()
                    .map(cluster -> MultiGauge.Row.of(Tags.of("cluster", cluster.name()), cluster, ClusterHealth::usableCount))
                    .toList(), true);
        }
    }

    void ejected(String cluster) {
        count("portcullis.endpoint.ejections", cluster, "outlier", "endpoints taken out of balancing by outlier detection");
    }

    void checkVerdictChanged(String cluster, boolean healthy) {
        count("portcullis.health.check.transitions", cluster, healthy ? "healthy" : "unhealthy",
                "endpoints whose active check verdict changed");
    }

    /** A request went to another endpoint, for {@code reason} ({@code connect-failure}, {@code http-503}...). */
    public void retried(String cluster, String reason) {
        count("portcullis.upstream.retries", cluster, reason, "requests sent again to another endpoint");
    }

    /** A retry the policy allowed was refused because the cluster's retry budget was spent. */
    public void retryBudgetExhausted(String cluster) {
        count("portcullis.upstream.retry.budget.exhausted", cluster, "budget", "retries refused by the retry budget");
    }

    private void count(String name, String cluster, String kind, String description) {
        if (registry == null) {
            return;
        }
        counters.computeIfAbsent(name + '\0' + cluster + '\0' + kind, key -> Counter.builder(name)
                .description(description).tag("cluster", cluster).tag("kind", kind).register(registry)).increment();
    }
}
