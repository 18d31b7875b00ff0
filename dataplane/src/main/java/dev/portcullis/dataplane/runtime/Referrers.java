package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.VirtualHost;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who names what in one snapshot: the hosts that name each certificate (their own or RSA one) and
 * each cluster (in a route, an error backend or a canary), and the clusters that name each
 * certificate as their client certificate. With it a delta finds the records a changed name touches
 * without a walk over every host. The sets are never changed once put (a change puts a new one), so a
 * copy of the maps is a copy of the whole.
 */
final class Referrers {

    private final Map<String, Set<String>> hostsByCertificate;
    private final Map<String, Set<String>> hostsByCluster;
    private final Map<String, Set<String>> clustersByCertificate;

    private Referrers(Map<String, Set<String>> hostsByCertificate, Map<String, Set<String>> hostsByCluster,
                      Map<String, Set<String>> clustersByCertificate) {
        this.hostsByCertificate = hostsByCertificate;
        this.hostsByCluster = hostsByCluster;
        this.clustersByCertificate = clustersByCertificate;
    }

    static Referrers of(Iterable<VirtualHost> hosts, Iterable<Cluster> clusters) {
        return of(hosts, clusters, name -> true, name -> true);
    }

    /** Only for the certificate and cluster names asked for: what one delta's validation needs, in one walk. */
    static Referrers of(Iterable<VirtualHost> hosts, Iterable<Cluster> clusters,
                        Predicate<String> certificates, Predicate<String> clusterNames) {
        Map<String, Set<String>> hostsByCertificate = new HashMap<>();
        Map<String, Set<String>> hostsByCluster = new HashMap<>();
        Map<String, Set<String>> clustersByCertificate = new HashMap<>();
        for (VirtualHost host : hosts) {
            collect(hostsByCertificate, host.certificate(), host.hostname(), certificates);
            collect(hostsByCertificate, host.rsaCertificate(), host.hostname(), certificates);
            for (String name : IncrementalValidation.clusterNames(host)) {
                collect(hostsByCluster, name, host.hostname(), clusterNames);
            }
        }
        for (Cluster cluster : clusters) {
            collect(clustersByCertificate, clientCertificate(cluster), cluster.name(), certificates);
        }
        return new Referrers(frozen(hostsByCertificate), frozen(hostsByCluster), frozen(clustersByCertificate));
    }

    private static void collect(Map<String, Set<String>> index, String name, String referrer, Predicate<String> wanted) {
        if (name != null && wanted.test(name)) {
            index.computeIfAbsent(name, key -> new HashSet<>()).add(referrer);
        }
    }

    private static Map<String, Set<String>> frozen(Map<String, Set<String>> index) {
        index.replaceAll((name, referrers) -> Set.copyOf(referrers));
        return index;
    }

    Referrers copy() {
        return new Referrers(new HashMap<>(hostsByCertificate), new HashMap<>(hostsByCluster), new HashMap<>(clustersByCertificate));
    }

    Set<String> hostsNamingCertificate(String name) {
        return hostsByCertificate.getOrDefault(name, Set.of());
    }

    Set<String> hostsNamingCluster(String name) {
        return hostsByCluster.getOrDefault(name, Set.of());
    }

    Set<String> clustersNamingCertificate(String name) {
        return clustersByCertificate.getOrDefault(name, Set.of());
    }

    void add(VirtualHost host) {
        change(hostsByCertificate, host.certificate(), host.hostname(), true);
        change(hostsByCertificate, host.rsaCertificate(), host.hostname(), true);
        IncrementalValidation.clusterNames(host).forEach(name -> change(hostsByCluster, name, host.hostname(), true));
    }

    void remove(VirtualHost host) {
        change(hostsByCertificate, host.certificate(), host.hostname(), false);
        change(hostsByCertificate, host.rsaCertificate(), host.hostname(), false);
        IncrementalValidation.clusterNames(host).forEach(name -> change(hostsByCluster, name, host.hostname(), false));
    }

    void add(Cluster cluster) {
        change(clustersByCertificate, clientCertificate(cluster), cluster.name(), true);
    }

    void remove(Cluster cluster) {
        change(clustersByCertificate, clientCertificate(cluster), cluster.name(), false);
    }

    static String clientCertificate(Cluster cluster) {
        return cluster.upstreamTls() == null ? null : cluster.upstreamTls().clientCertificate();
    }

    private static void change(Map<String, Set<String>> index, String name, String referrer, boolean add) {
        if (name == null) {
            return;
        }
        Set<String> now = index.getOrDefault(name, Set.of());
        if (now.contains(referrer) == add) {
            return;
        }
        if (!add && now.size() == 1) {
            index.remove(name);
            return;
        }
        Set<String> next = new HashSet<>(now);
        if (add) {
            next.add(referrer);
        } else {
            next.remove(referrer);
        }
        index.put(name, Set.copyOf(next));
    }
}
