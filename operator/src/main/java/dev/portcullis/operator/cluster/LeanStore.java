package dev.portcullis.operator.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's cache that trims each object as the informer stores it, before any handler sees
 * it. Every cache drops what the API server and kubectl keep for their own bookkeeping and
 * Portcullis never reads: {@code managedFields} (a tree of maps per field manager: at 10,000
 * Ingresses with their Secrets, Services and EndpointSlices, about a quarter of the operator's
 * heap) and kubectl's last-applied-configuration annotation (a second copy of the object; for a
 * Secret applied with kubectl, of its private key too). Each model object's empty maps and
 * lists become shared ones ({@link SharedEmpties}).
 *
 * <p>One store per informer watching all namespaces (JOSDK hands one store to each per-namespace
 * informer of a controller limited to namespaces, and one namespace's relist would drop the
 * others'). Not for dependent resources that JOSDK matches by server-side apply: its matcher reads
 * managedFields.
 */
public final class LeanStore<T extends HasMetadata> implements ItemStore<T> {

    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final UnaryOperator<T> trim;
    /** Counts puts and removes: while it stands still, what was built from this store's objects is current. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    private LeanStore(UnaryOperator<T> trim) {
        this.trim = trim;
    }

    /** Objects without their bookkeeping. */
    public static <T extends HasMetadata> LeanStore<T> withoutBookkeeping() {
        return new LeanStore<>(LeanStore::dropBookkeeping);
    }

    /**
     * Ingresses as the status reconciler reads them: metadata, the class and the status. The rules,
     * TLS and backends are translation's, read from {@link ClusterWatch}'s own cache.
     */
    public static LeanStore<Ingress> ingressesForStatus() {
        return new LeanStore<>(ingress -> {
            if (ingress.getSpec() != null) {
                ingress.setSpec(new IngressSpec(null, ingress.getSpec().getIngressClassName(), null, null));
            }
            return dropBookkeeping(ingress);
        });
    }

    static <T extends HasMetadata> T dropBookkeeping(T object) {
        ObjectMeta metadata = object.getMetadata();
        if (metadata != null) {
            metadata.setManagedFields(null);
            Map<String, String> annotations = metadata.getAnnotations();
            if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
                Map<String, String> kept = new LinkedHashMap<>(annotations);
                kept.remove(LAST_APPLIED);
                metadata.setAnnotations(kept);
            }
        }
        SharedEmpties.share(object);
        return object;
    }

    @Override
    public String getKey(T object) {
        return items.getKey(object);
    }

    @Override
    public T put(String key, T object) {
        T previous = items.put(key, trim.apply(object));
        changes.incrementAndGet();
        return previous;
    }

    @Override
    public T remove(String key) {
        T removed = items.remove(key);
        changes.incrementAndGet();
        return removed;
    }

    /** How many times an object was stored or removed so far (read it before the objects). */
    public long changes() {
        return changes.get();
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet();
    }

    @Override
    public Stream<T> values() {
        return items.values();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }
}
