package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.operator.deploy.DataPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
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
                && sameDataPlanes(state.dataPlanes(), before.dataPlanes());
    }

    /**
     * Whether the DataPlanes translate the same: the same objects, or the same names, ages and specs
     * (a DataPlane's status changes as its pods come and go, and translation reads only its spec).
     */
    private static boolean sameDataPlanes(List<DataPlane> now, List<DataPlane> before) {
        if (now.size() != before.size()) {
            return false;
        }
        boolean same = true;
        for (int i = 0; i < now.size() && same; i++) {
            same = now.get(i) == before.get(i);
        }
        return same || translated(now).equals(translated(before));
    }

    private static Set<String> translated(List<DataPlane> dataPlanes) {
        Set<String> read = new HashSet<>();
        for (DataPlane dataPlane : dataPlanes) {
            read.add(key(dataPlane) + " " + dataPlane.getMetadata().getCreationTimestamp() + " "
                    + io.fabric8.kubernetes.client.utils.Serialization.asJson(dataPlane.getSpec()));
        }
        return read;
    }

    private Translation full(ClusterState state, long version, Instant now, ParsedSecrets memo, OcspStaples staples) {
        IngressTranslator.Attributed result = IngressTranslator.attributed(state, version, now, memo, staples, false);
        Last next = new Last();
        next.state = state;
        next.ingressObjects = identities(state.ingresses());
        next.secretObjects = identities(state.secrets());
        next.serviceObjects = identities(state.services());
        next.sliceObjects = identities(state.endpointSlices());
        next.ingresses = byKey(state.ingresses());
        next.ingressesByHost = new HashMap<>();
        next.ingresses.forEach((key, ingress) -> hostsOf(ingress).forEach(host -> named(next.ingressesByHost, host, key)));
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
        Changes<Ingress> ingressChanges = changes(last.ingressObjects, last.state.ingresses(), state.ingresses());
        Changes<Secret> secretChanges = changes(last.secretObjects, last.state.secrets(), state.secrets());
        Changes<Service> serviceChanges = changes(last.serviceObjects, last.state.services(), state.services());
        Changes<EndpointSlice> sliceChanges = changes(last.sliceObjects, last.state.endpointSlices(), state.endpointSlices());
        Set<String> changedObjects = new HashSet<>();
        secretChanges.keys(IncrementalTranslator::key, changedObjects);
        serviceChanges.keys(IncrementalTranslator::key, changedObjects);
        sliceChanges.keys(IncrementalTranslator::serviceOf, changedObjects);
        changedObjects.remove(null);
        if (changedObjects.size() > MOST_CHANGED_OBJECTS) {
            return null;
        }
        // The Ingress map and host index follow the change; each changed Ingress's hosts, before and after.
        Map<String, Ingress> ingresses = last.ingresses;
        Set<String> changed = new HashSet<>();
        ArrayDeque<String> hostsToVisit = new ArrayDeque<>();
        for (Ingress before : ingressChanges.removed()) {
            String key = key(before);
            changed.add(key);
            ingresses.remove(key, before);
            for (String host : hostsOf(before)) {
                hostsToVisit.add(host);
                Set<String> naming = last.ingressesByHost.get(host);
                if (naming != null && naming.remove(key) && naming.isEmpty()) {
                    last.ingressesByHost.remove(host);
                }
            }
        }
        for (Ingress after : ingressChanges.added()) {
            String key = key(after);
            changed.add(key);
            ingresses.put(key, after);
            for (String host : hostsOf(after)) {
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
                if (mentionsAny(ingress, named)) {
                    changed.add(key);
                    hostsToVisit.addAll(hostsOf(ingress));
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
                    hostsToVisit.addAll(hostsOf(ingresses.get(key)));
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

    /** One kind's objects now (by identity), and which are new (added or edited) and which are gone (deleted or edited). */
    private record Changes<T extends HasMetadata>(Set<T> now, List<T> added, List<T> removed) {

        /** The keys of every object added or removed, as {@code keyOf} gives them. */
        void keys(java.util.function.Function<T, String> keyOf, Set<String> into) {
            added.forEach(object -> into.add(keyOf.apply(object)));
            removed.forEach(object -> into.add(keyOf.apply(object)));
        }
    }

    private static <T extends HasMetadata> Changes<T> changes(Set<T> before, List<T> beforeList, List<T> objects) {
        if (objects == beforeList) {
            return new Changes<>(before, List.of(), List.of()); // the watch reused the kind's index: nothing changed
        }
        Set<T> now = identities(objects);
        List<T> added = new ArrayList<>(0);
        for (T object : objects) {
            if (!before.contains(object)) {
                added.add(object);
            }
        }
        List<T> removed = new ArrayList<>(0);
        if (before.size() != now.size() - added.size()) {
            for (T object : before) {
                if (!now.contains(object)) {
                    removed.add(object);
                }
            }
        }
        return new Changes<>(now, added, removed);
    }

    private static <T> Set<T> identities(List<T> objects) {
        Set<T> identities = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>(objects.size()));
        identities.addAll(objects);
        return identities;
    }

    /** The Service an EndpointSlice belongs to, as namespace/name, or null. */
    private static String serviceOf(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String service = labels == null ? null : labels.get(ClusterState.SERVICE_NAME_LABEL);
        return service == null ? null : ClusterState.key(ClusterState.namespaceOf(slice), service);
    }

    /**
     * Whether the Ingress may read one of these objects (namespace, name): its backends and TLS
     * Secrets in its namespace, and any annotation whose value holds the name (annotations name
     * Secrets and Services, some in other namespaces). It may say yes when it does not read it.
     */
    static boolean mentionsAny(Ingress ingress, List<String[]> objects) {
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        String namespace = ClusterState.namespaceOf(ingress);
        IngressSpec spec = ingress.getSpec();
        for (String[] object : objects) {
            String name = object[1];
            if (annotations != null) {
                for (String value : annotations.values()) {
                    if (value != null && value.contains(name)) {
                        return true;
                    }
                }
            }
            if (spec == null || !namespace.equals(object[0])) {
                continue;
            }
            if (names(spec.getDefaultBackend(), name)) {
                return true;
            }
            for (var tls : spec.getTls() == null ? List.<io.fabric8.kubernetes.api.model.networking.v1.IngressTLS>of() : spec.getTls()) {
                if (name.equals(tls.getSecretName())) {
                    return true;
                }
            }
            for (var rule : spec.getRules() == null ? List.<io.fabric8.kubernetes.api.model.networking.v1.IngressRule>of() : spec.getRules()) {
                if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
                    for (var path : rule.getHttp().getPaths()) {
                        if (names(path.getBackend(), name)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static boolean names(IngressBackend backend, String name) {
        return backend != null && backend.getService() != null && name.equals(backend.getService().getName());
    }

    /**
     * The host names an Ingress's translation may touch, as its rules and TLS sections write them
     * ("*" for a rule without a host, and for a default backend, which also serves unknown hosts).
     */
    static Set<String> hostsOf(Ingress ingress) {
        Set<String> hosts = new HashSet<>(4);
        IngressSpec spec = ingress.getSpec();
        if (spec == null) {
            return hosts;
        }
        if (spec.getDefaultBackend() != null) {
            hosts.add(VirtualHost.ANY_HOST);
        }
        if (spec.getRules() != null) {
            for (var rule : spec.getRules()) {
                hosts.add(rule.getHost() == null || rule.getHost().isEmpty() ? VirtualHost.ANY_HOST : rule.getHost());
            }
        }
        if (spec.getTls() != null) {
            for (var tls : spec.getTls()) {
                if (tls.getHosts() != null) {
                    tls.getHosts().forEach(host -> hosts.add(host == null ? VirtualHost.ANY_HOST : host));
                }
            }
        }
        return hosts;
    }

    private static void named(Map<String, Set<String>> index, String host, String ingress) {
        index.computeIfAbsent(host, unused -> new HashSet<>(2)).add(ingress);
    }

    private static Map<String, Ingress> byKey(Collection<Ingress> ingresses) {
        Map<String, Ingress> byKey = HashMap.newHashMap(ingresses.size());
        for (Ingress ingress : ingresses) {
            byKey.put(key(ingress), ingress);
        }
        return byKey;
    }

    private static String key(HasMetadata object) {
        return ClusterState.key(ClusterState.namespaceOf(object), object.getMetadata().getName());
    }
}
