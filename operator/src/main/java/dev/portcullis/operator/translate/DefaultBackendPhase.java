package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import dev.portcullis.operator.annotation.TlsModeAnnotation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The default backend phase: {@code defaultBackend} serves what no path matches, on the hosts of
 * its own Ingress and on the catch-all host, where explicit rules did not already claim "/".
 */
final class DefaultBackendPhase implements IngressPhase {

    private final TranslationContext context;

    DefaultBackendPhase(TranslationContext context) {
        this.context = context;
    }

    @Override
    public void apply(ServedIngress served) {
        Ingress ingress = served.ingress();
        IngressSpec spec = ingress.getSpec();
        if (spec.getDefaultBackend() == null || served.mode() == TlsModeAnnotation.PASSTHROUGH) {
            return; // a passthrough Ingress's defaultBackend only stands in for missing paths
        }
        ObjectRef ref = served.ref();
        Optional<String> cluster = context.backends.resolve(ref, ClusterState.namespaceOf(ingress), spec.getDefaultBackend(),
                "defaultBackend", served.settings());
        if (cluster.isEmpty()) {
            return;
        }
        Set<String> ownHosts = new LinkedHashSet<>();
        ownHosts.add(VirtualHost.ANY_HOST);
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            HostNames.valid(rule.getHost()).ifPresent(ownHosts::add);
        }
        for (String host : ownHosts) {
            HostTable.Host builder = context.hosts.host(host);
            if (!host.equals(VirtualHost.ANY_HOST) && builder.mode != null && builder.mode != served.mode()) {
                continue; // the host is served in another mode; its conflict is already reported
            }
            HostTable.Claim existing = builder.routes.get(PathMatch.prefix("/"));
            if (existing == null) {
                builder.routes.put(PathMatch.prefix("/"), new HostTable.Claim(cluster.get(), ref, true,
                        RouteActions.NONE.withAccess(AccessRulesReader.read(served))));
            } else if (host.equals(VirtualHost.ANY_HOST) && existing.fromDefaultBackend() && !existing.ingress().equals(ref)) {
                context.problems.warning(ref, "DefaultBackendConflict", "the defaultBackend of the older Ingress "
                        + existing.ingress() + " already serves requests for unknown hosts; this one serves only its own hosts");
            }
        }
    }

}
