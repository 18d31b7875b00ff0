package dev.portcullis.operator.cluster;

import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.translate.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Informers for everything translation reads, shared by every replica (the snapshot is served by
 * all of them, leader or not). Secrets of types nobody serves are not even listed, so memory does
 * not grow with Helm releases, service-account tokens and registry credentials.
 *
 * <p>Changes are reported only once every informer has its first list: until then each object
 * listed would ask for a translation of a half-listed cluster (at 10,000 Ingresses, translations
 * whose Secrets were not listed yet cost the operator 30 s of its start). Whoever starts the watch
 * translates once after {@link #start()}.
 */
public final class ClusterWatch implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterWatch.class);

    /** Secret types that never hold a certificate or CA for Portcullis. */
    static final List<String> IGNORED_SECRET_TYPES = List.of("helm.sh/release.v1",
            "kubernetes.io/service-account-token", "kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg",
            "bootstrap.kubernetes.io/token", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth");

    /** Objects per list request. */
    private static final long LIST_PAGE = 500;

    private final SharedIndexInformer<Ingress> ingresses;
    private final SharedIndexInformer<IngressClass> ingressClasses;
    private final SharedIndexInformer<Secret> secrets;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> endpointSlices;
    private final SharedIndexInformer<DataPlane> dataPlanes;
    private volatile boolean listed;
    /**
     * Per kind, the newest resourceVersion in its cache when the first lists were in. An informer
     * tells its handler of the listed objects after its list is done, some of them after
     * {@link #start()} returns: an add at or below this version is one of those, already in the
     * cache the first translation reads, so no change. (Versions come in order, so every object at
     * or below it is in that cache.)
     */
    private volatile Map<Class<?>, Long> listedUpTo = Map.of();
    /** Counts the events the informers delivered: while it stands still, the cluster state built last is current. */
    private final java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
    private ClusterState built;
    private long builtAtEvent = -1;
    private final KindIndex<Secret, ClusterState.Indexed<Secret>> secretIndex;
    private final KindIndex<Service, ClusterState.Indexed<Service>> serviceIndex;
    private final KindIndex<EndpointSlice, ClusterState.Slices> sliceIndex;

    public ClusterWatch(KubernetesClient client, Runnable onChange) {
        ResourceEventHandler<HasMetadata> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata object) {
                events.incrementAndGet();
                if (listed && !fromFirstList(object)) {
                    onChange.run();
                }
            }

            @Override
            public void onUpdate(HasMetadata before, HasMetadata after) {
                events.incrementAndGet();
                if (listed && TranslatedFields.changed(before, after)) {
                    onChange.run();
                }
            }

            @Override
            public void onDelete(HasMetadata object, boolean finalStateUnknown) {
                events.incrementAndGet();
                if (listed) {
                    onChange.run();
                }
            }
        };
        // Lists in pages: a cluster's Secrets in one response can be tens of megabytes at once.
        ingresses = lean(client.network().v1().ingresses().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0));
        ingressClasses = lean(client.network().v1().ingressClasses().runnableInformer(0));
        io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<Secret, io.fabric8.kubernetes.api.model.SecretList,
                io.fabric8.kubernetes.client.dsl.Resource<Secret>> secretQuery = client.secrets().inAnyNamespace()
                .withoutField("type", IGNORED_SECRET_TYPES.getFirst());
        for (String type : IGNORED_SECRET_TYPES.subList(1, IGNORED_SECRET_TYPES.size())) {
            secretQuery = secretQuery.withoutField("type", type);
        }
        LeanStore<Secret> secretStore = LeanStore.withoutBookkeeping();
        LeanStore<Service> serviceStore = LeanStore.withoutBookkeeping();
        LeanStore<EndpointSlice> sliceStore = LeanStore.withoutBookkeeping();
        secrets = secretQuery.withLimit(LIST_PAGE).runnableInformer(0).itemStore(secretStore);
        services = client.services().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0).itemStore(serviceStore);
        endpointSlices = client.discovery().v1().endpointSlices().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0)
                .itemStore(sliceStore);
        dataPlanes = lean(client.resources(DataPlane.class).inAnyNamespace().runnableInformer(0));
        secretIndex = new KindIndex<>(secretStore, listed -> ClusterState.Indexed.of(listed.stream()
                .filter(secret -> secret.getType() == null || !IGNORED_SECRET_TYPES.contains(secret.getType())).toList()));
        serviceIndex = new KindIndex<>(serviceStore, ClusterState.Indexed::of);
        sliceIndex = new KindIndex<>(sliceStore, ClusterState.Slices::of);
        for (SharedIndexInformer<? extends HasMetadata> informer : informers()) {
            @SuppressWarnings("unchecked")
            SharedIndexInformer<HasMetadata> any = (SharedIndexInformer<HasMetadata>) informer;
            any.addEventHandler(handler);
        }
    }

    private static <T extends HasMetadata> SharedIndexInformer<T> lean(SharedIndexInformer<T> informer) {
        return informer.itemStore(LeanStore.withoutBookkeeping());
    }

    /** One kind's index, built again only when its store changed since. */
    private static final class KindIndex<T extends HasMetadata, I> {
        private final LeanStore<T> store;
        private final java.util.function.Function<List<T>, I> build;
        private I built;
        private long builtAt = -1;

        KindIndex(LeanStore<T> store, java.util.function.Function<List<T>, I> build) {
            this.store = store;
            this.build = build;
        }

        I current() {
            long changes = store.changes(); // before the objects: a change meanwhile builds again next time
            if (built == null || changes != builtAt) {
                built = build.apply(store.values().toList());
                builtAt = changes;
            }
            return built;
        }
    }

    /** Starts every informer, lists all kinds at once, and waits for their first lists; then reports changes. */
    public void start() throws Exception {
        long started = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<Void>> lists = informers().stream()
                .map(informer -> informer.start().toCompletableFuture()).toList();
        for (java.util.concurrent.CompletableFuture<Void> list : lists) {
            list.get(60, TimeUnit.SECONDS);
        }
        Map<Class<?>, Long> upTo = new HashMap<>();
        for (SharedIndexInformer<? extends HasMetadata> informer : informers()) {
            upTo.put(informer.getApiTypeClass(), informer.getStore().list().stream()
                    .mapToLong(ClusterWatch::resourceVersion).max().orElse(-1));
        }
        listedUpTo = upTo;
        listed = true;
        LOG.info("listed {} Ingresses, {} IngressClasses, {} Secrets, {} Services, {} EndpointSlices and {} DataPlanes in {} ms",
                ingresses.getStore().list().size(), ingressClasses.getStore().list().size(), secrets.getStore().list().size(),
                services.getStore().list().size(), endpointSlices.getStore().list().size(), dataPlanes.getStore().list().size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private boolean fromFirstList(HasMetadata object) {
        Long upTo = listedUpTo.get(object.getClass());
        long version = resourceVersion(object);
        return upTo != null && version >= 0 && version <= upTo;
    }

    /** The object's resourceVersion as the number the API server gives (etcd's revision), or -1. */
    private static long resourceVersion(HasMetadata object) {
        try {
            return Long.parseLong(object.getMetadata().getResourceVersion());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * The cluster as the informers hold it. Built again only after an event: each change is
     * translated for the data planes' class and for all classes, and at 10,000 Ingresses copying
     * and indexing the caches costs tens of milliseconds each time. (An informer updates its cache
     * before it tells the handler, so a state built meanwhile is at worst newer than its count.)
     */
    public synchronized ClusterState state() {
        long now = events.get();
        if (built != null && now == builtAtEvent) {
            return built;
        }
        built = buildState();
        builtAtEvent = now;
        return built;
    }

    /** Secrets, Services and EndpointSlices are indexed again only when one of their kind changed. */
    private ClusterState buildState() {
        return new ClusterState(ingresses.getStore().list(), ingressClasses.getStore().list(), secretIndex.current(),
                serviceIndex.current(), sliceIndex.current(), dataPlanes.getStore().list());
    }

    public List<DataPlane> dataPlanes() {
        return dataPlanes.getStore().list();
    }

    public List<Ingress> ingresses() {
        return ingresses.getStore().list();
    }

    public List<IngressClass> ingressClasses() {
        return ingressClasses.getStore().list();
    }

    /** A Secret from the informer cache, or null. */
    public Secret secret(String namespace, String name) {
        return secrets.getStore().getByKey(namespace + "/" + name);
    }

    public java.util.Optional<Service> service(String namespace, String name) {
        return java.util.Optional.ofNullable(services.getStore().getByKey(namespace + "/" + name));
    }

    private List<SharedIndexInformer<? extends HasMetadata>> informers() {
        List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>();
        all.add(ingresses);
        all.add(ingressClasses);
        all.add(secrets);
        all.add(services);
        all.add(endpointSlices);
        all.add(dataPlanes);
        return all;
    }

    @Override
    public void close() {
        informers().forEach(SharedIndexInformer::close);
    }
}
