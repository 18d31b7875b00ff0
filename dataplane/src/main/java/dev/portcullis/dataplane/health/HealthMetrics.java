package dev.portcullis.dataplane.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint health as meters: usable endpoints per cluster (a gauge whose rows follow the clusters
 * served), ejections, active-check verdict changes, retries and retries the budget refused.
 */
public class HealthMetrics {

    /** Meters nothing: for health compiled outside a data plane. */
    public static final HealthMetrics NONE = new HealthMetrics();

    private static final String USABLE_ENDPOINTS = "portcullis.cluster.healthy.endpoints";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** The usable-endpoints gauge of each cluster served, by name, with the health it reads. */
    private Map<String, UsableEndpoints> usableEndpoints = new HashMap<>();

    private record UsableEndpoints(ClusterHealth health, Gauge gauge) {
    }

    private HealthMetrics() {
        this.registry = null;
    }

    public HealthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The gauge's rows follow the clusters served. Only a cluster that is new or was rebuilt gets
     * its row registered again: a change to one Ingress among 10,000 re-registered every row, the
     * larger part of a data plane's apply.
     */
    synchronized void clustersServed(Collection<ClusterHealth> clusters) {
        if (registry == null) {
            return;
        }
        Map<String, UsableEndpoints> next = HashMap.newHashMap(clusters.size());
        for (ClusterHealth cluster : clusters) {
            UsableEndpoints registered = usableEndpoints.remove(cluster.name());
            if (registered != null && registered.health() != cluster) {
                registry.remove(registered.gauge());
                registered = null;
            }
            next.put(cluster.name(), registered != null ? registered : usableEndpoints(cluster));
        }
        usableEndpoints.values().forEach(gone -> registry.remove(gone.gauge()));
        usableEndpoints = next;
    }

    /**
     * As {@link #clustersServed}, when only some clusters changed: {@code changed} are the new or
     * rebuilt ones served now, {@code gone} the names no longer served.
     */
    synchronized void clustersChanged(Collection<ClusterHealth> changed, Collection<String> gone) {
        if (registry == null) {
            return;
        }
        for (String name : gone) {
            UsableEndpoints registered = usableEndpoints.remove(name);
            if (registered != null) {
                registry.remove(registered.gauge());
            }
        }
        for (ClusterHealth cluster : changed) {
            UsableEndpoints registered = usableEndpoints.get(cluster.name());
            if (registered != null && registered.health() == cluster) {
                continue;
            }
            if (registered != null) {
                registry.remove(registered.gauge());
            }
            usableEndpoints.put(cluster.name(), usableEndpoints(cluster));
        }
    }

    private UsableEndpoints usableEndpoints(ClusterHealth cluster) {
        return new UsableEndpoints(cluster, Gauge.builder(USABLE_ENDPOINTS, cluster, ClusterHealth::usableCount).strongReference(true)
                .description("ready endpoints of the cluster that are neither ejected nor failing their active check")
                .tag("cluster", cluster.name()).register(registry));
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
