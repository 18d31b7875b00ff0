package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.operator.deploy.DataPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link IncrementalTranslator} reads of a change, as pure functions: which objects of a kind
 * are new or gone (by identity), which Ingresses may read a changed object, which hosts an Ingress
 * may touch, and whether the DataPlanes translate the same.
 */
final class ClusterChanges {

    private ClusterChanges() {
    }

    /**
     * Whether the DataPlanes translate the same: the same objects, or the same names, ages and specs
     * (a DataPlane's status changes as its pods come and go, and translation reads only its spec).
     */
    static boolean sameDataPlanes(List<DataPlane> now, List<DataPlane> before) {
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

    /** One kind's objects now (by identity), and which are new (added or edited) and which are gone (deleted or edited). */
    record Changes<T extends HasMetadata>(Set<T> now, List<T> added, List<T> removed) {

        /** The keys of every object added or removed, as {@code keyOf} gives them. */
        void keys(java.util.function.Function<T, String> keyOf, Set<String> into) {
            added.forEach(object -> into.add(keyOf.apply(object)));
            removed.forEach(object -> into.add(keyOf.apply(object)));
        }
    }

    static <T extends HasMetadata> Changes<T> changes(Set<T> before, List<T> beforeList, List<T> objects) {
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

    static <T> Set<T> identities(List<T> objects) {
        Set<T> identities = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>(objects.size()));
        identities.addAll(objects);
        return identities;
    }

    /** The Service an EndpointSlice belongs to, as namespace/name, or null. */
    static String serviceOf(EndpointSlice slice) {
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

    static String key(HasMetadata object) {
        return ClusterState.key(ClusterState.namespaceOf(object), object.getMetadata().getName());
    }
}
