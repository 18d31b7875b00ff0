package dev.portcullis.operator.translate;

import dev.portcullis.operator.deploy.DataPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes objects translation reads, as one immutable view (from informer caches in the
 * cluster, from manifest files standalone), indexed by namespace and name so that every lookup a
 * phase makes is a map read.
 */
public final class ClusterState {

    public static final String DEFAULT_NAMESPACE = "default";
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final List<Ingress> ingresses;
    private final List<IngressClass> ingressClasses;
    private final List<Secret> secrets;
    private final List<Service> services;
    private final List<EndpointSlice> endpointSlices;
    private final List<DataPlane> dataPlanes;
    private final Map<String, Secret> secretsByKey;
    private final Map<String, Service> servicesByKey;
    private final Map<String, List<EndpointSlice>> slicesByService;
    private final String servedClass;
    private final dev.portcullis.operator.tickets.SessionTicketSeed sessionTicketSeed;

    public ClusterState(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Secret> secrets,
                        List<Service> services, List<EndpointSlice> endpointSlices) {
        this(ingresses, ingressClasses, secrets, services, endpointSlices, List.of());
    }

    public ClusterState(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Secret> secrets,
                        List<Service> services, List<EndpointSlice> endpointSlices, List<DataPlane> dataPlanes) {
        this(ingresses, ingressClasses, secrets, services, endpointSlices, dataPlanes, null, null);
    }

    private ClusterState(List<Ingress> ingresses, List<IngressClass> ingressClasses, List<Secret> secrets,
                         List<Service> services, List<EndpointSlice> endpointSlices, List<DataPlane> dataPlanes,
                         String servedClass, dev.portcullis.operator.tickets.SessionTicketSeed sessionTicketSeed) {
        this(ingresses, ingressClasses, Indexed.of(secrets), Indexed.of(services), Slices.of(endpointSlices), dataPlanes,
                servedClass, sessionTicketSeed);
    }

    /**
     * A state from indexes built earlier: a cluster's watch builds each kind's again only when an
     * object of that kind changed (at 10,000 Ingresses, 40,000 objects to index per change otherwise).
     */
    public ClusterState(List<Ingress> ingresses, List<IngressClass> ingressClasses, Indexed<Secret> secrets,
                        Indexed<Service> services, Slices endpointSlices, List<DataPlane> dataPlanes) {
        this(ingresses, ingressClasses, secrets, services, endpointSlices, dataPlanes, null, null);
    }

    private ClusterState(List<Ingress> ingresses, List<IngressClass> ingressClasses, Indexed<Secret> secrets,
                         Indexed<Service> services, Slices endpointSlices, List<DataPlane> dataPlanes,
                         String servedClass, dev.portcullis.operator.tickets.SessionTicketSeed sessionTicketSeed) {
        this.servedClass = servedClass;
        this.sessionTicketSeed = sessionTicketSeed;
        this.ingresses = List.copyOf(ingresses);
        this.ingressClasses = List.copyOf(ingressClasses);
        this.secrets = secrets.objects();
        this.services = services.objects();
        this.endpointSlices = endpointSlices.objects();
        this.dataPlanes = List.copyOf(dataPlanes);
        this.secretsByKey = secrets.byKey();
        this.servicesByKey = services.byKey();
        this.slicesByService = endpointSlices.byService();
    }

    /** One kind's objects and their index by namespace/name (the first of a name wins), immutable. */
    public record Indexed<T extends HasMetadata>(List<T> objects, Map<String, T> byKey) {

        public static <T extends HasMetadata> Indexed<T> of(List<T> objects) {
            List<T> copy = List.copyOf(objects);
            return new Indexed<>(copy, java.util.Collections.unmodifiableMap(ClusterState.byKey(copy)));
        }
    }

    /** EndpointSlices and their index by the Service they belong to (namespace/name), immutable. */
    public record Slices(List<EndpointSlice> objects, Map<String, List<EndpointSlice>> byService) {

        public static Slices of(List<EndpointSlice> objects) {
            List<EndpointSlice> copy = List.copyOf(objects);
            Map<String, List<EndpointSlice>> byService = new HashMap<>();
            for (EndpointSlice slice : copy) {
                String service = slice.getMetadata().getLabels() == null ? null
                        : slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
                if (service != null) {
                    byService.computeIfAbsent(key(namespaceOf(slice), service), unused -> new ArrayList<>(1)).add(slice);
                }
            }
            return new Slices(copy, java.util.Collections.unmodifiableMap(byService));
        }
    }

    /** The same objects and indexes as {@code base} (built once: 10,000s of objects), other classes or settings. */
    private ClusterState(ClusterState base, List<IngressClass> ingressClasses, String servedClass,
                         dev.portcullis.operator.tickets.SessionTicketSeed sessionTicketSeed) {
        this(base, base.ingresses, ingressClasses, servedClass, sessionTicketSeed);
    }

    private ClusterState(ClusterState base, List<Ingress> ingresses, List<IngressClass> ingressClasses, String servedClass,
                         dev.portcullis.operator.tickets.SessionTicketSeed sessionTicketSeed) {
        this.servedClass = servedClass;
        this.sessionTicketSeed = sessionTicketSeed;
        this.ingresses = ingresses;
        this.ingressClasses = List.copyOf(ingressClasses);
        this.secrets = base.secrets;
        this.services = base.services;
        this.endpointSlices = base.endpointSlices;
        this.dataPlanes = base.dataPlanes;
        this.secretsByKey = base.secretsByKey;
        this.servicesByKey = base.servicesByKey;
        this.slicesByService = base.slicesByService;
    }

    public static ClusterState empty() {
        return new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public List<Ingress> ingresses() {
        return ingresses;
    }

    public List<IngressClass> ingressClasses() {
        return ingressClasses;
    }

    public List<Secret> secrets() {
        return secrets;
    }

    public List<Service> services() {
        return services;
    }

    public List<EndpointSlice> endpointSlices() {
        return endpointSlices;
    }

    public List<DataPlane> dataPlanes() {
        return dataPlanes;
    }

    /** The IngressClass whose data planes this state is translated for (their DataPlane's listener settings), or null. */
    public String servedClass() {
        return servedClass;
    }

    /** The same cluster, translated for the data planes of one IngressClass. */
    public ClusterState servedTo(String ingressClassName) {
        return new ClusterState(this, ingressClasses, ingressClassName, sessionTicketSeed);
    }

    /** Where this state's session ticket keys come from, or null: data planes then keep tickets to themselves. */
    public dev.portcullis.operator.tickets.SessionTicketSeed sessionTicketSeed() {
        return sessionTicketSeed;
    }

    /** The same cluster, its snapshots carrying session ticket keys derived from {@code seed} (null: none). */
    public ClusterState withSessionTicketSeed(dev.portcullis.operator.tickets.SessionTicketSeed seed) {
        return new ClusterState(this, ingressClasses, servedClass, seed);
    }

    public Optional<Secret> secret(String namespace, String name) {
        return Optional.ofNullable(secretsByKey.get(key(namespace, name)));
    }

    public Optional<Service> service(String namespace, String name) {
        return Optional.ofNullable(servicesByKey.get(key(namespace, name)));
    }

    public List<EndpointSlice> endpointSlicesOf(String namespace, String serviceName) {
        return slicesByService.getOrDefault(key(namespace, serviceName), List.of());
    }

    /** The same cluster with only these of its Ingresses (a translation of the Ingresses a change touched). */
    ClusterState withIngresses(List<Ingress> some) {
        return new ClusterState(this, List.copyOf(some), ingressClasses, servedClass, sessionTicketSeed);
    }

    Map<String, Secret> secretsByKey() {
        return secretsByKey;
    }

    Map<String, Service> servicesByKey() {
        return servicesByKey;
    }

    Map<String, List<EndpointSlice>> slicesByService() {
        return slicesByService;
    }

    /** The cluster as the data planes of one IngressClass see it: our other classes do not exist for them. */
    public ClusterState restrictedTo(String ingressClassName) {
        List<IngressClass> only = ingressClasses.stream()
                .filter(ingressClass -> ingressClassName.equals(ingressClass.getMetadata().getName()))
                .toList();
        return new ClusterState(this, only, ingressClassName, sessionTicketSeed);
    }

    public ClusterState withIngressClass(IngressClass ingressClass) {
        List<IngressClass> classes = new ArrayList<>(ingressClasses);
        classes.add(ingressClass);
        return new ClusterState(this, classes, servedClass, sessionTicketSeed);
    }

    /** Objects in manifests may leave the namespace out; it is then "default", as kubectl applies it. */
    public static String namespaceOf(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    }

    private static <T extends HasMetadata> Map<String, T> byKey(List<T> objects) {
        Map<String, T> index = new HashMap<>();
        for (T object : objects) {
            index.putIfAbsent(key(namespaceOf(object), object.getMetadata().getName()), object);
        }
        return index;
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
