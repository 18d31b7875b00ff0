package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.ErrorBackend;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.operator.annotation.IngressAnnotations;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;

import java.util.List;
import java.util.Optional;

/**
 * An Ingress's error backend, as ingress-nginx's {@code default-backend} and
 * {@code custom-http-errors} make one: the Service named by {@code default-backend} ({@code name} or
 * {@code name:port}; without a port, its first port, as ingress-nginx takes it), reached over plain
 * HTTP/1.1; for {@code custom-http-errors} alone, the Ingress's own {@code spec.defaultBackend}
 * (ingress-nginx would use its controller-wide default backend, which Portcullis does not have).
 */
final class ErrorBackends {

    /** The error backend's cluster and the statuses it makes pages for, before a route is known. */
    record StandIn(String cluster, List<Integer> codes) {
    }

    private static final ClusterSettings PLAIN_HTTP = new ClusterSettings(BalancePolicy.ROUND_ROBIN, ProxyProtocol.OFF, null);

    private final TranslationContext context;

    ErrorBackends(TranslationContext context) {
        this.context = context;
    }

    Optional<StandIn> of(ServedIngress served) {
        IngressAnnotations annotations = served.annotations();
        Optional<String> named = annotations.get(IngressAnnotations.DEFAULT_BACKEND);
        List<Integer> codes = annotations.get(IngressAnnotations.CUSTOM_HTTP_ERRORS).orElse(List.of());
        if (named.isEmpty() && codes.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> cluster;
        if (named.isPresent()) {
            cluster = backendOf(served, named.get(), annotations.sourceOf(IngressAnnotations.DEFAULT_BACKEND))
                    .flatMap(backend -> context.backends.resolve(served.ref(), served.namespace(), backend,
                            "error backend " + named.get(), PLAIN_HTTP));
        } else if (served.ingress().getSpec().getDefaultBackend() != null) {
            cluster = context.backends.resolve(served.ref(), served.namespace(), served.ingress().getSpec().getDefaultBackend(),
                    "defaultBackend", served.settings());
        } else {
            context.problems.warning(served.ref(), "AnnotationWithoutEffect", annotations.sourceOf(IngressAnnotations.CUSTOM_HTTP_ERRORS)
                    + " is ignored: it needs a default-backend annotation or a spec.defaultBackend to make the pages;"
                    + " Portcullis answers with its own");
            return Optional.empty();
        }
        return cluster.map(name -> new StandIn(name, codes));
    }

    /** The error backend of one route, naming the route's own Service for the page's X-Service-* fields. */
    static ErrorBackend forRoute(StandIn standIn, ServedIngress served, IngressBackend routeBackend) {
        IngressServiceBackend service = routeBackend == null ? null : routeBackend.getService();
        String port = service == null || service.getPort() == null ? null : service.getPort().getNumber() != null
                ? String.valueOf(service.getPort().getNumber()) : service.getPort().getName();
        return new ErrorBackend(standIn.cluster(), standIn.codes(), served.namespace(),
                served.ingress().getMetadata().getName(), service == null ? null : service.getName(), port);
    }

    private Optional<IngressBackend> backendOf(ServedIngress served, String value, String source) {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        String port = colon < 0 ? null : value.substring(colon + 1);
        if (port == null) {
            Optional<Service> service = context.state.service(served.namespace(), name);
            List<ServicePort> ports = service.map(found -> found.getSpec().getPorts()).orElse(List.of());
            if (ports == null || ports.isEmpty()) {
                context.problems.error(served.ref(), "ServiceNotFound", source + ": service " + served.namespace() + "/"
                        + name + (service.isEmpty() ? " does not exist" : " has no port")
                        + "; the Ingress's own pods answer, and Portcullis its errors, until it does");
                return Optional.empty();
            }
            port = String.valueOf(ports.getFirst().getPort());
        }
        IngressBackendBuilder backend = new IngressBackendBuilder();
        return Optional.of(port.chars().allMatch(Character::isDigit)
                ? backend.withNewService().withName(name).withNewPort().withNumber(Integer.parseInt(port)).endPort().endService().build()
                : backend.withNewService().withName(name).withNewPort().withName(port).endPort().endService().build());
    }
}
