package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The health of every served cluster's endpoints on this data plane. Compiling a snapshot asks it
 * for each changed cluster's {@link ClusterHealth} (carrying over what it knew of the endpoints
 * that stay); applying one starts the active checks of clusters that came or changed and stops
 * those of clusters that left or changed. Checks run on the data plane's event loops once
 * {@link #startChecks} gave it them.
 */
public final class EndpointHealth implements AutoCloseable {

    private final HealthMetrics metrics;
    private final LongSupplier nanoClock;
    private volatile Map<String, UpstreamCluster> served = Map.of();
    private final Map<ClusterHealth, ActiveChecker> checkers = new IdentityHashMap<>();
    private EventLoopGroup loops;
    private Class<? extends Channel> channelType;

    public EndpointHealth(HealthMetrics metrics) {
        this(metrics, System::nanoTime);
    }

    EndpointHealth(HealthMetrics metrics, LongSupplier nanoClock) {
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    /** The health of a new or changed cluster, keeping the state of endpoints it had before. */
    public ClusterHealth forCluster(Cluster cluster, List<InetSocketAddress> ready) {
        UpstreamCluster previous = served.get(cluster.name());
        return new ClusterHealth(cluster, ready, previous == null ? null : previous.health(), nanoClock, metrics);
    }

    /** The clusters served from now on: checks follow them. */
    public synchronized void applied(Map<String, UpstreamCluster> clusters) {
        served = Map.copyOf(clusters);
        metrics.clustersServed(clusters.values().stream().map(UpstreamCluster::health).toList());
        reconcileCheckers();
    }

    /**
     * As {@link #applied}, when only the clusters named in {@code changed} were added, rebuilt or
     * removed: the others keep their checks and gauges without a look. {@code clusters} is not
     * changed after this call (a configuration's own map).
     */
    public synchronized void appliedChanges(Map<String, UpstreamCluster> clusters, Set<String> changed) {
        Map<String, UpstreamCluster> before = served;
        served = clusters;
        List<ClusterHealth> now = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (String name : changed) {
            UpstreamCluster was = before.get(name);
            UpstreamCluster is = clusters.get(name);
            if (is != null) {
                now.add(is.health());
            } else {
                gone.add(name);
            }
            if (was != null && (is == null || was.health() != is.health())) {
                ActiveChecker stopped = checkers.remove(was.health());
                if (stopped != null) {
                    stopped.stop();
                }
            }
            if (is != null && is.health().check() != null && loops != null) {
                checkers.computeIfAbsent(is.health(), key -> ActiveChecker.start(is, loops, channelType));
            }
        }
        metrics.clustersChanged(now, gone);
    }

    /** From now on, active checks run on {@code loops}, connecting with {@code channelType}. */
    public synchronized void startChecks(EventLoopGroup loops, Class<? extends Channel> channelType) {
        this.loops = loops;
        this.channelType = channelType;
        reconcileCheckers();
    }

    private void reconcileCheckers() {
        Map<ClusterHealth, UpstreamCluster> wanted = new IdentityHashMap<>();
        for (UpstreamCluster cluster : served.values()) {
            if (cluster.health().check() != null && loops != null) {
                wanted.put(cluster.health(), cluster);
            }
        }
        checkers.entrySet().removeIf(entry -> {
            if (!wanted.containsKey(entry.getKey())) {
                entry.getValue().stop();
                return true;
            }
            return false;
        });
        wanted.forEach((health, cluster) -> checkers.computeIfAbsent(health,
                key -> ActiveChecker.start(cluster, loops, channelType)));
    }

    /** Cluster name, then endpoint, then its state: what {@code /debug/endpoints} shows. */
    public Map<String, Object> view() {
        Map<String, Object> clusters = new TreeMap<>();
        for (UpstreamCluster cluster : served.values()) {
            Map<String, Object> entry = new java.util.LinkedHashMap<>();
            entry.put("activeCheck", cluster.health().check() == null ? "none" : cluster.health().check().kind().name().toLowerCase(java.util.Locale.ROOT));
            entry.put("usableEndpoints", cluster.health().usableCount());
            entry.put("activeRequests", cluster.health().retryBudget().active());
            entry.put("retrying", cluster.health().retryBudget().retrying());
            entry.put("endpoints", cluster.health().view());
            clusters.put(cluster.name(), entry);
        }
        return clusters;
    }

    /** The health of a served cluster, or null. */
    public ClusterHealth cluster(String name) {
        UpstreamCluster cluster = served.get(name);
        return cluster == null ? null : cluster.health();
    }

    Collection<ActiveChecker> checkers() {
        return checkers.values();
    }

    /** The checker of a served cluster, or null. */
    synchronized ActiveChecker checker(String cluster) {
        UpstreamCluster served = this.served.get(cluster);
        return served == null ? null : checkers.get(served.health());
    }

    @Override
    public synchronized void close() {
        checkers.values().forEach(ActiveChecker::stop);
        checkers.clear();
    }
}
