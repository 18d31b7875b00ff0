package dev.portcullis.dataplane.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Deltas between snapshots, as pure functions, each linear in the snapshot's size. Snapshots that go
 * through deltas are in canonical order ({@link #canonical}: hosts, clusters and certificates sorted
 * by name), so that {@code apply(old, diff(old, new))} equals {@code new} list for list: the order
 * means nothing to a data plane, but equality is what proves a delta lost nothing.
 */
public final class SnapshotDiff {

    private static final Comparator<VirtualHost> HOSTS = Comparator.comparing(VirtualHost::hostname);
    private static final Comparator<Cluster> CLUSTERS = Comparator.comparing(Cluster::name);
    private static final Comparator<TlsCertificate> CERTIFICATES = Comparator.comparing(TlsCertificate::name);

    private SnapshotDiff() {
    }

    /** The same snapshot with its hosts, clusters and certificates sorted by name. */
    public static Snapshot canonical(Snapshot snapshot) {
        return new Snapshot(snapshot.version(), sorted(snapshot.virtualHosts(), VirtualHost::hostname, HOSTS),
                sorted(snapshot.clusters(), Cluster::name, CLUSTERS),
                sorted(snapshot.certificates(), TlsCertificate::name, CERTIFICATES), snapshot.defaultCertificate(),
                snapshot.listener(), snapshot.sessionTicketKeys());
    }

    /** What turns {@code from} into {@code to} (whose version the delta makes). */
    public static SnapshotDelta diff(Snapshot from, Snapshot to) {
        Changes<VirtualHost> hosts = changes(from.virtualHosts(), to.virtualHosts(), VirtualHost::hostname);
        Changes<Cluster> clusters = changes(from.clusters(), to.clusters(), Cluster::name);
        Changes<TlsCertificate> certificates = changes(from.certificates(), to.certificates(), TlsCertificate::name);
        return new SnapshotDelta(from.version(), to.version(), hosts.upserted, hosts.removed, clusters.upserted,
                clusters.removed, certificates.upserted, certificates.removed, to.defaultCertificate(), to.listener(),
                to.sessionTicketKeys());
    }

    /** Whether the delta leaves {@code base}'s content as it is (only the version would move). */
    public static boolean changesNothing(Snapshot base, SnapshotDelta delta) {
        return delta.size() == 0 && Objects.equals(base.defaultCertificate(), delta.defaultCertificate())
                && base.listener().equals(delta.listener()) && base.sessionTicketKeys().equals(delta.sessionTicketKeys());
    }

    /**
     * {@code base} with the delta applied, in canonical order, at the delta's version. Removing a
     * name {@code base} lacks is no error (a chained delta may remove what an earlier link added).
     *
     * @throws InvalidSnapshotException when the delta is for another version than {@code base}'s
     */
    public static Snapshot apply(Snapshot base, SnapshotDelta delta) {
        if (base.version() != delta.base()) {
            throw new InvalidSnapshotException("a delta from version " + delta.base() + " cannot apply to version "
                    + base.version());
        }
        return new Snapshot(delta.version(),
                merged(base.virtualHosts(), delta.virtualHosts(), delta.removedVirtualHosts(), VirtualHost::hostname, HOSTS),
                merged(base.clusters(), delta.clusters(), delta.removedClusters(), Cluster::name, CLUSTERS),
                merged(base.certificates(), delta.certificates(), delta.removedCertificates(), TlsCertificate::name,
                        CERTIFICATES),
                delta.defaultCertificate(), delta.listener(), delta.sessionTicketKeys());
    }

    /** One delta doing what {@code first} then {@code second} do. */
    public static SnapshotDelta chain(SnapshotDelta first, SnapshotDelta second) {
        if (first.version() != second.base()) {
            throw new IllegalArgumentException("delta " + second.base() + " -> " + second.version()
                    + " does not follow " + first.base() + " -> " + first.version());
        }
        Changes<VirtualHost> hosts = chained(first.virtualHosts(), first.removedVirtualHosts(), second.virtualHosts(),
                second.removedVirtualHosts(), VirtualHost::hostname);
        Changes<Cluster> clusters = chained(first.clusters(), first.removedClusters(), second.clusters(),
                second.removedClusters(), Cluster::name);
        Changes<TlsCertificate> certificates = chained(first.certificates(), first.removedCertificates(),
                second.certificates(), second.removedCertificates(), TlsCertificate::name);
        return new SnapshotDelta(first.base(), second.version(), hosts.upserted, hosts.removed, clusters.upserted,
                clusters.removed, certificates.upserted, certificates.removed, second.defaultCertificate(),
                second.listener(), second.sessionTicketKeys());
    }

    private record Changes<T>(List<T> upserted, List<String> removed) {
    }

    private static <T> Changes<T> changes(List<T> from, List<T> to, Function<T, String> key) {
        if (SortedMerge.inOrder(from, key) && SortedMerge.inOrder(to, key)) {
            return sortedChanges(from, to, key);
        }
        Map<String, T> before = new HashMap<>(from.size() * 2);
        from.forEach(item -> before.put(key.apply(item), item));
        List<T> upserted = new ArrayList<>();
        for (T item : to) {
            T old = before.remove(key.apply(item));
            if (!item.equals(old)) {
                upserted.add(item);
            }
        }
        return new Changes<>(upserted, List.copyOf(new TreeSet<>(before.keySet())));
    }

    private static <T> List<T> merged(List<T> base, List<T> upserted, List<String> removed, Function<T, String> key,
                                      Comparator<T> order) {
        if (SortedMerge.applies(base, upserted, key)) {
            return SortedMerge.merged(base, upserted, removed, key);
        }
        Map<String, T> byKey = new HashMap<>(base.size() * 2);
        base.forEach(item -> byKey.put(key.apply(item), item));
        removed.forEach(byKey::remove);
        upserted.forEach(item -> byKey.put(key.apply(item), item));
        return sorted(byKey.values(), order);
    }

    private static <T> Changes<T> chained(List<T> firstUpserted, List<String> firstRemoved, List<T> secondUpserted,
                                          List<String> secondRemoved, Function<T, String> key) {
        Map<String, T> upserted = new LinkedHashMap<>();
        firstUpserted.forEach(item -> upserted.put(key.apply(item), item));
        TreeSet<String> removed = new TreeSet<>(firstRemoved);
        for (String name : secondRemoved) {
            upserted.remove(name);
            removed.add(name);
        }
        for (T item : secondUpserted) {
            upserted.put(key.apply(item), item);
            removed.remove(key.apply(item));
        }
        return new Changes<>(List.copyOf(upserted.values()), List.copyOf(removed));
    }

    /** As {@link #changes}, for two lists in canonical order: one walk, and an unchanged entry is mostly the same instance. */
    private static <T> Changes<T> sortedChanges(List<T> from, List<T> to, Function<T, String> key) {
        List<T> upserted = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        int f = 0;
        for (T item : to) {
            String name = key.apply(item);
            int order = -1;
            while (f < from.size() && (order = key.apply(from.get(f)).compareTo(name)) < 0) {
                removed.add(key.apply(from.get(f++)));
            }
            if (f < from.size() && order == 0) {
                T old = from.get(f++);
                if (old != item && !item.equals(old)) {
                    upserted.add(item);
                }
            } else {
                upserted.add(item);
            }
        }
        while (f < from.size()) {
            removed.add(key.apply(from.get(f++)));
        }
        return new Changes<>(upserted, List.copyOf(removed));
    }

    /** The items in canonical order: as they are when they already are (a snapshot built in order). */
    private static <T> List<T> sorted(List<T> items, Function<T, String> key, Comparator<T> order) {
        return SortedMerge.inOrder(items, key) ? items : sorted(items, order);
    }

    private static <T> List<T> sorted(java.util.Collection<T> items, Comparator<T> order) {
        List<T> copy = new ArrayList<>(items);
        copy.sort(order);
        return copy;
    }
}
