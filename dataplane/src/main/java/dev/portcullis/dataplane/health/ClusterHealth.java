package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.balance.EndpointFilter;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.upstream.RetryBudget;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The health of one cluster's ready endpoints on this data plane: the filter its balancer
 * consults, what the proxy reports after each exchange (passive outlier ejection), and the state
 * its active checker updates. Endpoint states and the retry budget carry over to the next
 * snapshot's ClusterHealth of the same name, so a swap forgets nothing about unchanged endpoints.
 */
public final class ClusterHealth implements EndpointFilter {

    private final String name;
    private final HealthCheck check;
    private final OutlierDetection outliers;
    private final Map<InetSocketAddress, EndpointState> endpoints;
    private final RetryBudget retryBudget;
    private final LongSupplier nanoClock;
    private final HealthMetrics metrics;

    ClusterHealth(Cluster cluster, List<InetSocketAddress> ready, ClusterHealth previous, LongSupplier nanoClock,
                  HealthMetrics metrics) {
        this.name = cluster.name();
        this.check = cluster.healthCheck();
        this.outliers = cluster.outlierDetection();
        this.nanoClock = nanoClock;
        this.metrics = metrics;
        this.retryBudget = previous != null ? previous.retryBudget : new RetryBudget();
        Map<InetSocketAddress, EndpointState> states = new LinkedHashMap<>();
        for (InetSocketAddress endpoint : ready) {
            EndpointState kept = previous == null ? null : previous.endpoints.get(endpoint);
            states.put(endpoint, kept != null ? kept : new EndpointState());
        }
        this.endpoints = Map.copyOf(states);
    }

    /** Health for a cluster compiled outside a data plane (tests, tools): no metrics, the system clock. */
    public static ClusterHealth standalone(Cluster cluster, List<InetSocketAddress> ready) {
        return new ClusterHealth(cluster, ready, null, System::nanoTime, HealthMetrics.NONE);
    }

    public String name() {
        return name;
    }

    public HealthCheck check() {
        return check;
    }

    public HealthMetrics metrics() {
        return metrics;
    }

    public RetryBudget retryBudget() {
        return retryBudget;
    }

    java.util.Set<InetSocketAddress> endpoints() {
        return endpoints.keySet();
    }

    EndpointState state(InetSocketAddress endpoint) {
        return endpoints.get(endpoint);
    }

    @Override
    public boolean usable(InetSocketAddress endpoint) {
        EndpointState state = endpoints.get(endpoint);
        return state == null || state.usable(nanoClock.getAsLong());
    }

    /** How many endpoints the balancer may choose now. */
    public int usableCount() {
        long now = nanoClock.getAsLong();
        return (int) endpoints.values().stream().filter(state -> state.usable(now)).count();
    }

    /** The endpoint answered (any status below 500): its failure run ends. */
    public void succeeded(InetSocketAddress endpoint) {
        EndpointState state = endpoints.get(endpoint);
        if (state != null) {
            state.succeeded();
        }
    }

    /**
     * The endpoint failed an exchange (5xx, refused connect, closed before answering). At the
     * threshold it is ejected, unless that would put more than the allowed share of the cluster out.
     */
    public void failed(InetSocketAddress endpoint) {
        EndpointState state = endpoints.get(endpoint);
        if (state == null || !outliers.enabled()) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!state.failed(outliers.consecutiveFailures(), now)) {
            return;
        }
        synchronized (this) { // one ejection decision at a time, so the share is never overshot
            long out = endpoints.values().stream().filter(other -> other.ejectedAt(now)).count();
            if ((out + 1) * 100 > (long) outliers.maxEjectionPercent() * endpoints.size() || state.ejectedAt(now)) {
                return;
            }
            state.eject(now, outliers.baseEjectionMillis() * 1_000_000, outliers.maxEjectionMillis() * 1_000_000);
        }
        metrics.ejected(name);
    }

    /** An active check's outcome for one endpoint. */
    void checked(InetSocketAddress endpoint, boolean passed, String problem) {
        EndpointState state = endpoints.get(endpoint);
        if (state != null && state.checked(passed, problem, check.healthyThreshold(), check.unhealthyThreshold())) {
            metrics.checkVerdictChanged(name, passed);
        }
    }

    /** Every endpoint's state, for {@code /debug/endpoints}. */
    public Map<String, EndpointView> view() {
        long now = nanoClock.getAsLong();
        Map<String, EndpointView> views = new java.util.TreeMap<>();
        endpoints.forEach((endpoint, state) -> views.put(endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort(),
                state.view(now)));
        return views;
    }

    /** Checks run so far against {@code endpoint} (tests await it). */
    public long checksRun(InetSocketAddress endpoint) {
        EndpointState state = endpoints.get(endpoint);
        return state == null ? 0 : state.checks.get();
    }
}
