package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a snapshot against the valid one before it in time proportional to what changed. Every
 * check of the validator is about one record, or about the names one record refers to (and whether
 * those certificates are {@code keepServing}), or listener-wide, or about duplicate names. So when
 * the snapshot before was valid, the new one is valid if its names are unique and a small snapshot
 * is: the same listener settings, keys and default certificate, with the changed records, the
 * unchanged ones that refer to a changed or removed name (found through the valid snapshot's
 * {@link Referrers}: an unchanged record is the same record in both), and every record those refer to. When that
 * small snapshot has a problem, the whole snapshot is validated, so the problems reported are the
 * validator's own, with their places in the whole snapshot. ({@code IncrementalValidationTest}
 * checks over random deltas that this reports a problem exactly when whole validation does.)
 */
final class IncrementalValidation {

    private IncrementalValidation() {
    }

    /**
     * Every problem of {@code next}'s snapshot, given that {@code changes} are what differ between it
     * and a valid snapshot; empty when it is sound.
     */
    static List<String> problems(SnapshotIndex next, SnapshotChanges changes, Referrers before) {
        if (next.unique() && smallSnapshot(next, changes, before).validate().isEmpty()) {
            return List.of();
        }
        return next.snapshot().validate();
    }

    static Snapshot smallSnapshot(SnapshotIndex next, SnapshotChanges changes, Referrers before) {
        Snapshot snapshot = next.snapshot();
        Set<String> changedCertificates = changes.certificates();
        Map<String, VirtualHost> hosts = new LinkedHashMap<>();
        changes.hosts().forEach(name -> putChanged(hosts, name, next.hosts()));
        for (String name : changedCertificates) {
            before.hostsNamingCertificate(name).forEach(host -> putIfPresent(hosts, host, next.hosts()));
        }
        for (String name : changes.clusters()) {
            before.hostsNamingCluster(name).forEach(host -> putIfPresent(hosts, host, next.hosts()));
        }
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        changes.clusters().forEach(name -> putChanged(clusters, name, next.clusters()));
        for (String name : changedCertificates) {
            before.clustersNamingCertificate(name).forEach(cluster -> putIfPresent(clusters, cluster, next.clusters()));
        }
        for (VirtualHost host : hosts.values()) {
            for (String name : clusterNames(host)) {
                putIfPresent(clusters, name, next.clusters());
            }
        }
        Map<String, TlsCertificate> certificates = new LinkedHashMap<>();
        changedCertificates.forEach(name -> putChanged(certificates, name, next.certificates()));
        for (VirtualHost host : hosts.values()) {
            putIfPresent(certificates, host.certificate(), next.certificates());
            putIfPresent(certificates, host.rsaCertificate(), next.certificates());
        }
        clusters.values().forEach(cluster -> putIfPresent(certificates, Referrers.clientCertificate(cluster), next.certificates()));
        putIfPresent(certificates, snapshot.defaultCertificate(), next.certificates());
        return new Snapshot(snapshot.version(), List.copyOf(hosts.values()), List.copyOf(clusters.values()),
                List.copyOf(certificates.values()), snapshot.defaultCertificate(), snapshot.listener(),
                snapshot.sessionTicketKeys());
    }

    /** Every cluster a host's routes name: their own, their error backends', their canaries'. */
    static List<String> clusterNames(VirtualHost host) {
        List<String> names = new ArrayList<>(host.routes().size());
        for (Route route : host.routes()) {
            names.add(route.cluster());
            if (route.errorBackend() != null) {
                names.add(route.errorBackend().cluster());
            }
            if (route.canary() != null) {
                names.add(route.canary().cluster());
            }
        }
        return names;
    }

    /** A changed record, its name missing included (the validator says so). */
    private static <T> void putChanged(Map<String, T> into, String name, Map<String, T> from) {
        T item = from.get(name);
        if (item != null) {
            into.put(name, item);
        }
    }

    /** A record referred to by name, when the snapshot has it. */
    private static <T> void putIfPresent(Map<String, T> into, String name, Map<String, T> from) {
        if (name == null || into.containsKey(name)) {
            return;
        }
        T item = from.get(name);
        if (item != null) {
            into.put(name, item);
        }
    }
}
