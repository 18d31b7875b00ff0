package dev.portcullis.operator.reconcile;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where our Ingresses are reached, for their {@code status.loadBalancer}: a configured publish
 * address, or else the data plane Service's load balancer status.
 */
public final class LoadBalancerAddresses {

    private final String publishAddress;
    private final Supplier<Optional<Service>> dataPlaneService;

    public LoadBalancerAddresses(String publishAddress, Supplier<Optional<Service>> dataPlaneService) {
        this.publishAddress = publishAddress;
        this.dataPlaneService = dataPlaneService;
    }

    public List<IngressLoadBalancerIngress> current() {
        if (publishAddress != null && !publishAddress.isBlank()) {
            return List.of(address(publishAddress));
        }
        return dataPlaneService.get()
                .filter(service -> service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                        && service.getStatus().getLoadBalancer().getIngress() != null)
                .map(service -> service.getStatus().getLoadBalancer().getIngress().stream()
                        .map(ingress -> new IngressLoadBalancerIngressBuilder()
                                .withIp(ingress.getIp()).withHostname(ingress.getHostname()).build())
                        .toList())
                .orElse(List.of());
    }

    private static IngressLoadBalancerIngress address(String value) {
        boolean ip = value.contains(":") || value.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        return ip ? new IngressLoadBalancerIngressBuilder().withIp(value).build()
                : new IngressLoadBalancerIngressBuilder().withHostname(value).build();
    }
}
