package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Kubernetes objects translation reads, as one immutable view (from informer caches in the
 * cluster, from manifest files standalone).
 */
public record ClusterState(
        List<Ingress> ingresses,
        List<IngressClass> ingressClasses,
        List<Secret> secrets,
        List<Service> services,
        List<EndpointSlice> endpointSlices) {

    public static final String DEFAULT_NAMESPACE = "default";
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public ClusterState {
        ingresses = List.copyOf(ingresses);
        ingressClasses = List.copyOf(ingressClasses);
        secrets = List.copyOf(secrets);
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
    }

    public static ClusterState empty() {
        return new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public Optional<Secret> secret(String namespace, String name) {
        return find(secrets, namespace, name);
    }

    public Optional<Service> service(String namespace, String name) {
        return find(services, namespace, name);
    }

    public List<EndpointSlice> endpointSlicesOf(String namespace, String serviceName) {
        return endpointSlices.stream()
                .filter(slice -> namespace.equals(namespaceOf(slice)))
                .filter(slice -> slice.getMetadata().getLabels() != null
                        && serviceName.equals(slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL)))
                .toList();
    }

    /** The cluster as the data planes of one IngressClass see it: our other classes do not exist for them. */
    public ClusterState restrictedTo(String ingressClassName) {
        List<IngressClass> only = ingressClasses.stream()
                .filter(ingressClass -> ingressClassName.equals(ingressClass.getMetadata().getName()))
                .toList();
        return new ClusterState(ingresses, only, secrets, services, endpointSlices);
    }

    public ClusterState withIngressClass(IngressClass ingressClass) {
        List<IngressClass> classes = new java.util.ArrayList<>(ingressClasses);
        classes.add(ingressClass);
        return new ClusterState(ingresses, classes, secrets, services, endpointSlices);
    }

    /** Objects in manifests may leave the namespace out; it is then "default", as kubectl applies it. */
    public static String namespaceOf(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    }

    private static <T extends HasMetadata> Optional<T> find(List<T> objects, String namespace, String name) {
        return objects.stream()
                .filter(object -> namespace.equals(namespaceOf(object)) && Objects.equals(name, object.getMetadata().getName()))
                .findFirst();
    }
}
