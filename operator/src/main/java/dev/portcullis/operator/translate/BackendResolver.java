package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns an Ingress backend into a cluster of pod endpoints: the Service port (by number or name),
 * then, per EndpointSlice of the Service, the port the slice publishes for it (which resolves
 * named target ports pod by pod), and every endpoint that is ready.
 */
final class BackendResolver {

    private final ClusterState state;
    private final Problems problems;
    private final SliceEndpointsMemo sliceMemo;
    private final Attribution attribution;
    private final Map<String, Cluster> clusters = new TreeMap<>();

    BackendResolver(ClusterState state, Problems problems, SliceEndpointsMemo sliceMemo, Attribution attribution) {
        this.state = state;
        this.problems = problems;
        this.sliceMemo = sliceMemo;
        this.attribution = attribution;
    }

    /** The cluster's name, or empty when the backend cannot be routed at all (a problem says why). */
    Optional<String> resolve(ObjectRef ingress, String namespace, IngressBackend backend, String usedFor,
                             ClusterSettings settings) {
        if (backend == null || (backend.getService() == null && backend.getResource() == null)) {
            problems.error(ingress, "InvalidBackend", usedFor + " has no backend service");
            return Optional.empty();
        }
        if (backend.getService() == null) {
            problems.error(ingress, "UnsupportedBackend", usedFor + " uses a resource backend ("
                    + backend.getResource().getKind() + "); only Service backends are served");
            return Optional.empty();
        }
        IngressServiceBackend service = backend.getService();
        if (service.getName() == null || service.getPort() == null
                || (service.getPort().getNumber() == null && service.getPort().getName() == null)) {
            problems.error(ingress, "InvalidBackend", usedFor + " needs a service name and a port number or name");
            return Optional.empty();
        }
        String port = service.getPort().getNumber() != null
                ? String.valueOf(service.getPort().getNumber()) : service.getPort().getName();
        String name = namespace + "/" + service.getName() + ":" + port + settings.describe(namespace, service.getName());
        if (!clusters.containsKey(name)) {
            ExchangeLimits limits = settings.limits();
            clusters.put(name, new Cluster(name, settings.balance(), endpoints(ingress, namespace, service, usedFor),
                    limits.connectMillis(), limits.responseMillis(), settings.upstreamTls(namespace, service.getName()),
                    settings.proxyProtocol(), limits.sendMillis(), limits.idleMillis(), limits.maxBodyBytes(),
                    settings.protocol()).withBalancing(settings.balance(), settings.hashBy(), settings.affinity())
                    .withHealth(settings.health().check(), settings.health().outliers(), settings.health().retry()));
        } else {
            endpoints(ingress, namespace, service, usedFor); // report this Ingress's problems too
        }
        attribution.cluster(ingress, name);
        return Optional.of(name);
    }

    /** Every cluster resolved so far, by name. */
    List<Cluster> clusters() {
        return List.copyOf(clusters.values());
    }

    private List<Endpoint> endpoints(ObjectRef ingress, String namespace, IngressServiceBackend backend, String usedFor) {
        Optional<Service> found = state.service(namespace, backend.getName());
        if (found.isEmpty()) {
            problems.error(ingress, "ServiceNotFound", "service " + namespace + "/" + backend.getName() + " (" + usedFor
                    + ") does not exist; its requests are answered 503");
            return List.of();
        }
        Service service = found.get();
        if ("ExternalName".equals(service.getSpec().getType())) {
            problems.error(ingress, "UnsupportedServiceType", "service " + namespace + "/" + backend.getName()
                    + " is of type ExternalName, which is not served; its requests are answered 503");
            return List.of();
        }
        Optional<ServicePort> servicePort = servicePort(service, backend);
        if (servicePort.isEmpty()) {
            Object wanted = backend.getPort().getNumber() != null ? backend.getPort().getNumber()
                    : "\"" + backend.getPort().getName() + "\"";
            problems.error(ingress, "ServicePortNotFound", "service " + namespace + "/" + backend.getName() + " has no port " + wanted
                    + " (" + usedFor + "); its requests are answered 503");
            return List.of();
        }
        List<Endpoint> endpoints = endpointsOfSlices(ingress, namespace, backend.getName(), servicePort.get());
        if (!anyReady(endpoints)) {
            problems.warning(ingress, "NoReadyEndpoints", "service " + namespace + "/" + backend.getName() + " has no ready endpoints ("
                    + usedFor + "); its requests are answered 503 (or by a default-backend the Ingress names) until one is ready");
        }
        return endpoints;
    }

    /** The endpoints of every slice of the Service on its port; an address in two slices (as during a rollout) counts once, ready if either says so. */
    private List<Endpoint> endpointsOfSlices(ObjectRef ingress, String namespace, String serviceName, ServicePort servicePort) {
        List<EndpointSlice> slices = state.endpointSlicesOf(namespace, serviceName);
        List<Endpoint> only = null;
        TreeMap<Endpoint, Endpoint> merged = null;
        for (EndpointSlice slice : slices) {
            Optional<Integer> port = slicePort(slice, servicePort);
            if (port.isEmpty()) {
                continue;
            }
            SliceEndpointsMemo.Reading reading = sliceMemo.read(slice, port.get());
            for (String literal : reading.notIpAddresses()) {
                // A name (an FQDN slice, or "localhost" in a hand-written one) is never looked up by the data plane.
                problems.error(ingress, "InvalidEndpointAddress", "EndpointSlice " + namespace + "/"
                        + (slice.getMetadata() == null ? "?" : slice.getMetadata().getName()) + " of service "
                        + namespace + "/" + serviceName + ": address \"" + literal + "\" is not an IP address; this endpoint is left out");
            }
            if (only == null && merged == null) {
                only = reading.endpoints(); // one slice, the usual case: already in order, each address once
                continue;
            }
            if (merged == null) {
                merged = new TreeMap<>(SliceEndpointsMemo.ENDPOINT_ORDER);
                mergeInto(merged, only);
            }
            mergeInto(merged, reading.endpoints());
        }
        return merged != null ? List.copyOf(merged.values()) : only != null ? only : List.of();
    }

    private static void mergeInto(TreeMap<Endpoint, Endpoint> merged, List<Endpoint> endpoints) {
        for (Endpoint endpoint : endpoints) {
            merged.merge(endpoint, endpoint, (old, added) -> old.ready() ? old : added);
        }
    }

    private static boolean anyReady(List<Endpoint> endpoints) {
        for (Endpoint endpoint : endpoints) {
            if (endpoint.ready()) {
                return true;
            }
        }
        return false;
    }

    private static Optional<ServicePort> servicePort(Service service, IngressServiceBackend backend) {
        List<ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
        Integer number = backend.getPort().getNumber();
        for (ServicePort port : ports) { // a loop, not a stream: asked of every backend at every translation
            if (number != null ? number.equals(port.getPort()) : backend.getPort().getName().equals(port.getName())) {
                return Optional.of(port);
            }
        }
        return Optional.empty();
    }

    /**
     * The port a slice publishes for the Service port: the slice's port of the same name (how
     * EndpointSlices resolve named target ports per pod); a numeric target port when the slice
     * names none.
     */
    private static Optional<Integer> slicePort(EndpointSlice slice, ServicePort servicePort) {
        String name = Objects.requireNonNullElse(servicePort.getName(), "");
        if (slice.getPorts() != null) {
            for (EndpointPort port : slice.getPorts()) {
                if (name.equals(Objects.requireNonNullElse(port.getName(), "")) && port.getPort() != null) {
                    return Optional.of(port.getPort());
                }
            }
        }
        IntOrString target = servicePort.getTargetPort();
        if (target == null) {
            return Optional.ofNullable(servicePort.getPort());
        }
        return Optional.ofNullable(target.getIntVal());
    }
}
