package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A snapshot's hosts, clusters and certificates by name: built once per snapshot, compared with the next one's. */
record SnapshotIndex(Snapshot snapshot, Map<String, VirtualHost> hosts, Map<String, Cluster> clusters,
                     Map<String, TlsCertificate> certificates) {

    static SnapshotIndex of(Snapshot snapshot) {
        return new SnapshotIndex(snapshot, byName(snapshot.virtualHosts(), VirtualHost::hostname),
                byName(snapshot.clusters(), Cluster::name), byName(snapshot.certificates(), TlsCertificate::name));
    }

    /** Whether no two hosts, clusters or certificates share a name (exactly; validation also compares host names case-insensitively). */
    boolean unique() {
        return hosts.size() == snapshot.virtualHosts().size() && clusters.size() == snapshot.clusters().size()
                && certificates.size() == snapshot.certificates().size();
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> byName = HashMap.newHashMap(items.size());
        items.forEach(item -> byName.put(name.apply(item), item));
        return byName;
    }
}
