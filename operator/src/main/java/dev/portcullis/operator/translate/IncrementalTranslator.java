package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translations of one stream that cost what a change touches. A host's part of the snapshot depends
 * only on the Ingresses that name it (the oldest wins its mode, paths and TLS), the objects they
 * refer to, and what is global (IngressClasses, DataPlanes, staples, the clock). So after a change,
 * only the Ingresses that changed or refer to a changed Secret, Service or EndpointSlice are
 * translated again, with every Ingress that shares a host with them (and, in turn, with those);
 * the hosts, clusters, certificates and problems of all others are taken from the last translation,
 * which records who contributed each ({@link Attribution}). The result equals a full translation
 * (tests compare the two over every golden case and sequences of random changes).
 *
 * <p>A full translation runs first, whenever something global changed, when a change touches a
 * quarter of the Ingresses or more, once the clock passes an instant at which some part of the last
 * snapshot could translate otherwise with no change at all (a certificate or OCSP staple enters or
 * leaves its dates or its expiry warning: {@link TimeBoundary}), and at least every
 * {@link #FULL_AT_LEAST_EVERY}, when the memo forgets deleted Secrets. One instance per stream, used
 * by one thread at a time.
 */
public final class IncrementalTranslator {

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalTranslator.class);

    /** A full translation at least this often, so that the memo forgets deleted Secrets. */
    public static final Duration FULL_AT_LEAST_EVERY = Duration.ofMinutes(10);
    /** Changed Secrets, Services and EndpointSlices beyond which every Ingress is translated again. */
    private static final int MOST_CHANGED_OBJECTS = 256;
    /** Below this many Ingresses to translate again, never a full translation for their number alone. */
    private static final int ALWAYS_PARTIAL_UP_TO = 64;

    private Last last;
    private long fullTranslations;
    private long partialTranslations;

    /** What the last translation read and made: the next one compares with it and merges into it. */
    private static final class Last {
        ClusterState state;
        /** Each kind's objects by identity: the informers hand out a new object only when one changes. */
        Set<Ingress> ingressObjects;
        Set<Secret> secretObjects;
        Set<Service> serviceObjects;
        Set<EndpointSlice> sliceObjects;
        Map<String, Ingress> ingresses;
        /** Host name to the Ingresses (namespace/name) that name it. */
        Map<String, Set<String>> ingressesByHost;
        Translation translation;
        Map<ObjectRef, Attribution.Contribution> contributions;
        /** The Ingress refs that contributed, by namespace/name; and the global ones (DataPlanes). */
        Map<String, List<ObjectRef>> refsByKey;
        Set<ObjectRef> globalRefs;
        /** How many contributions name each cluster, certificate and kept certificate's host. */
        Map<String, Integer> clusterUsers;
        Map<String, Integer> certificateUsers;
        Map<String, Integer> keptUsers;
        TreeMap<String, VirtualHost> hosts;
        TreeMap<String, Cluster> clusters;
        TreeMap<String, TlsCertificate> certificates;
        Instant fullAt;
        /** The first instant at which a part of the snapshot could translate otherwise with no change (see {@link TimeBoundary}). */
        Instant timeBoundary;
        ParsedSecrets memo;
        OcspStaples staples;
    }

    /** As {@link IngressTranslator#translate(ClusterState, long, Instant, ParsedSecrets, OcspStaples)}, the same result. */
    public Translation translate(ClusterState state, long version, Instant now, ParsedSecrets memo, OcspStaples staples) {
        if (last != null && sameGlobals(state, now, memo, staples)) {
            try {
                Translation translation = partial(state, version, now);
                if (translation != null) {
                    partialTranslations++;
                    return translation;
                }
            } catch (RuntimeException e) {
                LOG.warn("translating only the Ingresses a change touched failed ({}); translating all of them", e.toString());
            }
        }
        last = null; // a full translation that fails leaves nothing half built to merge into
        return full(state, version, now, memo, staples);
    }

    /** Full translations so far (for tests and the bench). */
    public long fullTranslations() {
        return fullTranslations;
    }

    /** Translations of only the Ingresses a change touched, so far. */
    public long partialTranslations() {
        return partialTranslations;
    }

    private boolean sameGlobals(ClusterState state, Instant now, ParsedSecrets memo, OcspStaples staples) {
        ClusterState before = last.state;
        return memo == last.memo && !now.isBefore(last.fullAt) && now.isBefore(last.fullAt.plus(FULL_AT_LEAST_EVERY))
                && now.isBefore(last.timeBoundary)
                && staples.equals(last.staples) && Objects.equals(state.servedClass(), before.servedClass())
                && Objects.equals(state.sessionTicketSeed(), before.sessionTicketSeed())
                && state.ingressClasses().equals(before.ingressClasses())
                && ClusterChanges.sameDataPlanes(state.dataPlanes(), before.dataPlanes());
    }


    private Translation full(ClusterState state, long version, Instant now, ParsedSecrets memo, OcspStaples staples) {
        IngressTranslator.Attributed result = IngressTranslator.attributed(state, version, now, memo, staples, false);
        Last next = new Last();
        next.state = state;
        next.ingressObjects = ClusterChanges.identities(state.ingresses());
        next.secretObjects = ClusterChanges.identities(state.secrets());
        next.serviceObjects = ClusterChanges.identities(state.services());
        next.sliceObjects = ClusterChanges.identities(state.endpointSlices());
        next.ingresses = byKey(state.ingresses());
        next.ingressesByHost = new HashMap<>();
        next.ingresses.forEach((key, ingress) ->
                ClusterChanges.hostsOf(ingress).forEach(host -> named(next.ingressesByHost, host, key)));
        next.translation = result.translation();
        next.contributions = new HashMap<>();
        next.refsByKey = new HashMap<>();
        next.globalRefs = new HashSet<>();
        next.clusterUsers = new HashMap<>();
        next.certificateUsers = new HashMap<>();
        next.keptUsers = new HashMap<>();
        result.attribution().byObject().forEach((by, contribution) -> add(next, by, contribution));
        Snapshot snapshot = result.translation().snapshot();
        next.hosts = new TreeMap<>();
        snapshot.virtualHosts().forEach(host -> next.hosts.put(host.hostname(), host));
        next.clusters = new TreeMap<>();
        snapshot.clusters().forEach(cluster -> next.clusters.put(cluster.name(), cluster));
        next.certificates = new TreeMap<>();
        snapshot.certificates().forEach(certificate -> next.certificates.put(certificate.name(), certificate));
        next.fullAt = now;
        next.timeBoundary = result.timeBoundary();
        next.memo = memo;
        next.staples = staples;
        last = next;
        fullTranslations++;
        return result.translation();
    }

    /** The merged translation, or null when a full one costs about as much. */
    private Translation partial(ClusterState state, long version, Instant now) {
        ClusterChanges.Changes<Ingress> ingressChanges =
                ClusterChanges.changes(last.ingressObjects, last.state.ingresses(), state.ingresses());
        ClusterChanges.Changes<Secret> secretChanges =
                ClusterChanges.changes(last.secretObjects, last.state.secrets(), state.secrets());
        ClusterChanges.Changes<Service> serviceChanges =
                ClusterChanges.changes(last.serviceObjects, last.state.services(), state.services());
        ClusterChanges.Changes<EndpointSlice> sliceChanges =
                ClusterChanges.changes(last.sliceObjects, last.state.endpointSlices(), state.endpointSlices());
        Set<String> changedObjects = new HashSet<>();
        secretChanges.keys(ClusterChanges::key, changedObjects);
        serviceChanges.keys(ClusterChanges::key, changedObjects);
        sliceChanges.keys(ClusterChanges::serviceOf, changedObjects);
        changedObjects.remove(null);
        if (changedObjects.size() > MOST_CHANGED_OBJECTS) {
            return null;
        }
        // The Ingress map and host index follow the change; each changed Ingress's hosts, before and after.
        Map<String, Ingress> ingresses = last.ingresses;
        Set<String> changed = new HashSet<>();
        ArrayDeque<String> hostsToVisit = new ArrayDeque<>();
        for (Ingress before : ingressChanges.removed()) {
            String key = ClusterChanges.key(before);
            changed.add(key);
            ingresses.remove(key, before);
            for (String host : ClusterChanges.hostsOf(before)) {
                hostsToVisit.add(host);
                Set<String> naming = last.ingressesByHost.get(host);
                if (naming != null && naming.remove(key) && naming.isEmpty()) {
                    last.ingressesByHost.remove(host);
                }
            }
        }
        for (Ingress after : ingressChanges.added()) {
            String key = ClusterChanges.key(after);
            changed.add(key);
            ingresses.put(key, after);
            for (String host : ClusterChanges.hostsOf(after)) {
                hostsToVisit.add(host);
                named(last.ingressesByHost, host, key);
            }
        }
        if (ingresses.size() != state.ingresses().size()) {
            return null; // two Ingresses of one name (manifests): both are translated, as a full translation does
        }
        if (!changedObjects.isEmpty()) {
            List<String[]> named = changedObjects.stream().map(key -> key.split("/", 2)).toList();
            ingresses.forEach((key, ingress) -> {
                if (ClusterChanges.mentionsAny(ingress, named)) {
                    changed.add(key);
                    hostsToVisit.addAll(ClusterChanges.hostsOf(ingress));
                }
            });
        }
        // Every Ingress that shares a host with one to translate is translated too, and so on.
        Set<String> dirtyHosts = new HashSet<>();
        Set<String> redo = new HashSet<>();
        for (String key : changed) {
            if (ingresses.containsKey(key)) {
                redo.add(key);
            }
        }
        while (!hostsToVisit.isEmpty()) {
            String host = hostsToVisit.poll();
            if (!dirtyHosts.add(host)) {
                continue;
            }
            for (String key : last.ingressesByHost.getOrDefault(host, Set.of())) {
                if (redo.add(key)) {
                    hostsToVisit.addAll(ClusterChanges.hostsOf(ingresses.get(key)));
                }
            }
        }
        if (redo.size() > Math.max(ALWAYS_PARTIAL_UP_TO, ingresses.size() / 4)) {
            return null;
        }
        Set<String> affected = new HashSet<>(changed);
        affected.addAll(redo);
        List<Ingress> some = new ArrayList<>(redo.size());
        redo.forEach(key -> some.add(ingresses.get(key)));
        IngressTranslator.Attributed result = IngressTranslator.attributed(state.withIngresses(some), version, now, last.memo,
                last.staples, true);
        Snapshot part = result.translation().snapshot();
        for (VirtualHost host : part.virtualHosts()) {
            if (!dirtyHosts.contains(host.hostname())) {
                throw new IllegalStateException("host " + host.hostname() + " came from Ingresses that do not name it");
            }
        }
        last.ingressObjects = ingressChanges.now();
        last.secretObjects = secretChanges.now();
        last.serviceObjects = serviceChanges.now();
        last.sliceObjects = sliceChanges.now();
        return merge(state, version, affected, dirtyHosts, result);
    }

    private Translation merge(ClusterState state, long version, Set<String> affected, Set<String> dirtyHosts,
                              IngressTranslator.Attributed result) {
        // What the touched Ingresses and the global part contributed before goes; what they contribute now comes.
        List<ObjectRef> gone = new ArrayList<>(last.globalRefs);
        for (String key : affected) {
            gone.addAll(last.refsByKey.getOrDefault(key, List.of()));
        }
        gone.forEach(by -> remove(last, by));
        result.attribution().byObject().forEach((by, contribution) -> add(last, by, contribution));

        Snapshot part = result.translation().snapshot();
        dirtyHosts.forEach(last.hosts::remove);
        part.virtualHosts().forEach(host -> last.hosts.put(host.hostname(), host));
        part.clusters().forEach(cluster -> last.clusters.put(cluster.name(), cluster));
        part.certificates().forEach(certificate -> last.certificates.put(certificate.name(), certificate));

        List<Problem> problems = new ArrayList<>(result.translation().problems());
        for (Problem problem : last.translation.problems()) {
            ObjectRef object = problem.object();
            if (!isGlobal(object) && !affected.contains(ClusterState.key(object.namespace(), object.name()))) {
                problems.add(problem);
            }
        }
        Snapshot snapshot = new Snapshot(version, List.copyOf(last.hosts.values()), List.copyOf(last.clusters.values()),
                List.copyOf(last.certificates.values()), part.defaultCertificate(), part.listener(), part.sessionTicketKeys());
        Translation translation = new Translation(snapshot, problems, last.keptUsers.size());
        last.state = state;
        last.translation = translation;
        if (result.timeBoundary().isBefore(last.timeBoundary)) {
            last.timeBoundary = result.timeBoundary();
        }
        return translation;
    }

    /** The listener's part (DataPlanes) and manifest files: translated again every time. */
    private static boolean isGlobal(ObjectRef object) {
        return object.kind() != null && (object.kind().equals("DataPlane") || object.kind().equals("File"));
    }

    private static void add(Last last, ObjectRef by, Attribution.Contribution contribution) {
        last.contributions.put(by, contribution);
        if (isGlobal(by)) {
            last.globalRefs.add(by);
        } else {
            last.refsByKey.computeIfAbsent(ClusterState.key(by.namespace(), by.name()), unused -> new ArrayList<>(1)).add(by);
        }
        count(last.clusterUsers, contribution.clusters, 1, null);
        count(last.certificateUsers, contribution.certificates, 1, null);
        count(last.keptUsers, contribution.kept, 1, null);
    }

    /** Takes back a contribution; a cluster or certificate nobody contributes any more leaves the snapshot. */
    private static void remove(Last last, ObjectRef by) {
        Attribution.Contribution contribution = last.contributions.remove(by);
        if (isGlobal(by)) {
            last.globalRefs.remove(by);
        } else {
            String key = ClusterState.key(by.namespace(), by.name());
            List<ObjectRef> refs = last.refsByKey.get(key);
            refs.remove(by);
            if (refs.isEmpty()) {
                last.refsByKey.remove(key);
            }
        }
        count(last.clusterUsers, contribution.clusters, -1, last.clusters);
        count(last.certificateUsers, contribution.certificates, -1, last.certificates);
        count(last.keptUsers, contribution.kept, -1, null);
    }

    private static void count(Map<String, Integer> users, List<String> names, int by, Map<String, ?> unusedLeave) {
        for (String name : names.size() < 2 ? names : Set.copyOf(names)) {
            if (users.merge(name, by, (was, change) -> was + change == 0 ? null : was + change) == null && unusedLeave != null) {
                unusedLeave.remove(name);
            }
        }
    }


    private static void named(Map<String, Set<String>> index, String host, String ingress) {
        index.computeIfAbsent(host, unused -> new HashSet<>(2)).add(ingress);
    }

    private static Map<String, Ingress> byKey(Collection<Ingress> ingresses) {
        Map<String, Ingress> byKey = HashMap.newHashMap(ingresses.size());
        for (Ingress ingress : ingresses) {
            byKey.put(ClusterChanges.key(ingress), ingress);
        }
        return byKey;
    }
}
