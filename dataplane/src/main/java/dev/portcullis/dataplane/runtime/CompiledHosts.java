package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.tls.HandshakePolicy;
import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the last compiled configuration built, by name, with what it was built from, so that a
 * snapshot that changes a few hosts (a delta) rebuilds only those: a certificate whose record is
 * equal keeps its {@link ServedCertificate} without hashing its PEM again, and a host whose record,
 * listener settings, certificates and clusters (the same instances) are all unchanged keeps its
 * {@link RoutedHost}, routes and contexts included. It also keeps the last configuration's
 * {@link Referrers}, tables and stapled contexts, which a compile from a delta copies and patches.
 * Used by the compiler's one thread at a time ({@link LiveConfig#apply} is synchronized);
 * {@link #keep} is called only for a configuration that compiled, so a rejected snapshot leaves the
 * memo as it was.
 */
final class CompiledHosts {

    /** What a host was compiled from; clusters are compared by identity (an unchanged one is kept whole). */
    record Inputs(VirtualHost host, ListenerSettings listener, ServedCertificateOf certificate, ServedCertificate rsa,
                  TlsCertificate ownCertificate, TlsCertificate rsaCertificate, List<String> clusterNames,
                  List<UpstreamCluster> clusters) {

        boolean sameAs(Inputs other) {
            if (other == null || !host.equals(other.host) || !listener.equals(other.listener)
                    || !certificate.equals(other.certificate) || !java.util.Objects.equals(rsa, other.rsa)
                    || !java.util.Objects.equals(ownCertificate, other.ownCertificate)
                    || !java.util.Objects.equals(rsaCertificate, other.rsaCertificate)
                    || !clusterNames.equals(other.clusterNames)) {
                return false;
            }
            for (int i = 0; i < clusters.size(); i++) {
                if (clusters.get(i) != other.clusters.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Certificate(TlsCertificate source, HandshakePolicy policy, ServedCertificate served) {
    }

    /** A host compiled: what from, and what came out. */
    record Host(Inputs inputs, RoutedHost routed) {
    }

    private Map<String, Certificate> certificates = Map.of();
    private Map<String, Host> hosts = Map.of();
    private Map<String, Certificate> nextCertificates = new HashMap<>();
    private Map<String, Host> nextHosts = new HashMap<>();
    /** The last configuration compiled and the snapshot it came from, or null. */
    private RuntimeConfig config;
    private SnapshotIndex index;
    private Referrers referrers;
    private ServedTables tables;
    private StapledContexts stapled;

    /**
     * What {@code next} changed against the snapshot of the last configuration compiled, or null when
     * {@code previous} (the configuration served now) is not that one: then everything is new.
     */
    SnapshotChanges changes(RuntimeConfig previous, SnapshotIndex next) {
        return previous == null || previous != config ? null : SnapshotChanges.between(index, next);
    }

    /** Who names what in the snapshot of the last configuration compiled (there is one when {@link #changes} is not null). */
    Referrers referrers() {
        return referrers;
    }

    ServedTables tables() {
        return tables;
    }

    StapledContexts stapled() {
        return stapled;
    }

    /** The snapshot of the last configuration compiled, or null. */
    dev.portcullis.dataplane.config.Snapshot snapshot() {
        return index == null ? null : index.snapshot();
    }

    /** The host as the last configuration compiled it, or null. */
    Host last(String hostname) {
        return hosts.get(hostname);
    }

    /**
     * From here the next configuration starts from the last one's hosts and certificates, which the
     * compile from a delta then replaces and removes one by one.
     */
    void startFromLast() {
        nextCertificates = new HashMap<>(certificates);
        nextHosts = new HashMap<>(hosts);
    }

    void forgetCertificate(String name) {
        nextCertificates.remove(name);
    }

    void forgetHost(String hostname) {
        nextHosts.remove(hostname);
    }

    /** What the next configuration serves for a certificate name so far, or null. */
    ServedCertificate nextCertificate(String name) {
        Certificate built = nextCertificates.get(name);
        return built == null ? null : built.served;
    }

    /** The listener settings of the last configuration compiled, or null. */
    ListenerSettings listener() {
        return index == null ? null : index.snapshot().listener();
    }

    /** The certificate built for the last configuration from an equal record under the same policy, or null. */
    ServedCertificate certificate(TlsCertificate source, HandshakePolicy policy) {
        Certificate known = certificates.get(source.name());
        return known != null && known.source.equals(source) && known.policy.equals(policy) ? known.served : null;
    }

    /** Remembers what this certificate was built to for the next configuration; returns it. */
    ServedCertificate builtCertificate(TlsCertificate source, HandshakePolicy policy, ServedCertificate served) {
        nextCertificates.put(source.name(), new Certificate(source, policy, served));
        return served;
    }

    /** The host built for the last configuration from the same inputs, or null. */
    RoutedHost host(Inputs inputs) {
        Host known = hosts.get(inputs.host().hostname());
        return known != null && inputs.sameAs(known.inputs) ? known.routed : null;
    }

    void builtHost(Inputs inputs, RoutedHost routed) {
        nextHosts.put(inputs.host().hostname(), new Host(inputs, routed));
    }

    static Inputs inputs(VirtualHost host, ListenerSettings listener, ServedCertificateOf certificate,
                         ServedCertificate rsa, Map<String, TlsCertificate> certificatesByName,
                         Map<String, UpstreamCluster> clusters) {
        List<String> names = new ArrayList<>();
        List<UpstreamCluster> found = new ArrayList<>();
        for (var route : host.routes()) {
            // Every cluster a route's target holds: its own, its error backend's, its canary's.
            for (String name : java.util.Arrays.asList(route.cluster(),
                    route.errorBackend() == null ? null : route.errorBackend().cluster(),
                    route.canary() == null ? null : route.canary().cluster())) {
                names.add(name);
                found.add(name == null ? null : clusters.get(name));
            }
        }
        return new Inputs(host, listener, certificate, rsa,
                // The record of the certificate served (its staple included), the default one's for a host naming none.
                certificatesByName.get(certificate.name()),
                host.rsaCertificate() == null ? null : certificatesByName.get(host.rsaCertificate()), names, found);
    }

    /** The configuration compiled: what it built is what the next one may keep. */
    void keep(RuntimeConfig compiled, SnapshotIndex from, Referrers names, ServedTables servedTables,
              StapledContexts stapledContexts) {
        certificates = nextCertificates;
        hosts = nextHosts;
        nextCertificates = HashMap.newHashMap(certificates.size());
        nextHosts = HashMap.newHashMap(hosts.size());
        config = compiled;
        index = from;
        referrers = names;
        tables = servedTables;
        stapled = stapledContexts;
    }

    /** The configuration did not compile: the next one compares with the last that did. */
    void forgetNext() {
        nextCertificates.clear();
        nextHosts.clear();
    }
}
