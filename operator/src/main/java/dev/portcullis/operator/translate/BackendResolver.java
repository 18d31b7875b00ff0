package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.IpLiteral;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;

import java.util.Comparator;
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

    private static final Comparator<Endpoint> ENDPOINT_ORDER = Comparator.comparing(Endpoint::address)
            .thenComparingInt(Endpoint::port);

    private final ClusterState state;
    private final Problems problems;
    private final Map<String, Cluster> clusters = new TreeMap<>();

    BackendResolver(ClusterState state, Problems problems) {
        this.state = state;
        this.problems = problems;
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
        return Optional.of(name);
    }

    /** Every cluster resolved so far, by name. */
    List<Cluster> clusters() {
        return List.copyOf(clusters.values());
    }

    private List<Endpoint> endpoints(ObjectRef ingress, String namespace, IngressServiceBackend backend, String usedFor) {
        String serviceName = namespace + "/" + backend.getName();
        Optional<Service> found = state.service(namespace, backend.getName());
        if (found.isEmpty()) {
            problems.error(ingress, "ServiceNotFound", "service " + serviceName + " (" + usedFor
                    + ") does not exist; its requests are answered 503");
            return List.of();
        }
        Service service = found.get();
        if ("ExternalName".equals(service.getSpec().getType())) {
            problems.error(ingress, "UnsupportedServiceType", "service " + serviceName
                    + " is of type ExternalName, which is not served; its requests are answered 503");
            return List.of();
        }
        Optional<ServicePort> servicePort = servicePort(service, backend);
        if (servicePort.isEmpty()) {
            Object wanted = backend.getPort().getNumber() != null ? backend.getPort().getNumber()
                    : "\"" + backend.getPort().getName() + "\"";
            problems.error(ingress, "ServicePortNotFound", "service " + serviceName + " has no port " + wanted
                    + " (" + usedFor + "); its requests are answered 503");
            return List.of();
        }
        // An address in two slices (as during a rollout) counts once, ready if either says so.
        TreeMap<Endpoint, Endpoint> endpoints = new TreeMap<>(ENDPOINT_ORDER);
        for (EndpointSlice slice : state.endpointSlicesOf(namespace, backend.getName())) {
            Optional<Integer> port = slicePort(slice, servicePort.get());
            if (port.isEmpty() || slice.getEndpoints() == null) {
                continue;
            }
            for (var endpoint : slice.getEndpoints()) {
                if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
                    continue;
                }
                // As kube-proxy does: a missing "ready" condition means ready.
                boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
                        || endpoint.getConditions().getReady();
                String literal = endpoint.getAddresses().getFirst();
                if (!IpLiteral.is(literal)) {
                    // A name (an FQDN slice, or "localhost" in a hand-written one) is never looked up by the data plane.
                    problems.error(ingress, "InvalidEndpointAddress", "EndpointSlice " + namespace + "/"
                            + (slice.getMetadata() == null ? "?" : slice.getMetadata().getName()) + " of service "
                            + serviceName + ": address \"" + literal + "\" is not an IP address; this endpoint is left out");
                    continue;
                }
                Endpoint address = new Endpoint(literal, port.get(), ready);
                endpoints.merge(address, address, (old, added) -> old.ready() ? old : added);
            }
        }
        if (endpoints.values().stream().noneMatch(Endpoint::ready)) {
            problems.warning(ingress, "NoReadyEndpoints", "service " + serviceName + " has no ready endpoints ("
                    + usedFor + "); its requests are answered 503 (or by a default-backend the Ingress names) until one is ready");
        }
        return List.copyOf(endpoints.values());
    }

    private static Optional<ServicePort> servicePort(Service service, IngressServiceBackend backend) {
        List<ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
        Integer number = backend.getPort().getNumber();
        return ports.stream()
                .filter(port -> number != null ? number.equals(port.getPort()) : backend.getPort().getName().equals(port.getName()))
                .findFirst();
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
