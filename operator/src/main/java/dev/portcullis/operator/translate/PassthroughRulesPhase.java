package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;

import java.util.List;
import java.util.Optional;

/**
 * The passthrough rules phase: each host of a passthrough Ingress is routed, by the ClientHello's
 * server name, to the backend of its path "/" (paths inside TLS cannot be seen).
 */
final class PassthroughRulesPhase implements IngressPhase {

    private final TranslationContext context;

    PassthroughRulesPhase(TranslationContext context) {
        this.context = context;
    }

    @Override
    public void apply(ServedIngress served) {
        ObjectRef ref = served.ref();
        IngressSpec spec = served.ingress().getSpec();
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            if (rule.getHost() == null || rule.getHost().isEmpty()) {
                context.problems.error(ref, "PassthroughNeedsHost", "a rule without a host cannot be passed through: TLS passthrough"
                        + " routes on the ClientHello's server name. This rule is ignored");
                continue;
            }
            Optional<String> host = HostNames.checked(context.problems, ref, rule.getHost());
            if (host.isEmpty()) {
                continue;
            }
            List<HTTPIngressPath> paths = rule.getHttp() == null || rule.getHttp().getPaths() == null
                    ? List.of() : rule.getHttp().getPaths();
            IngressBackend backend = passthroughBackend(paths, spec.getDefaultBackend());
            if (backend == null) {
                context.problems.error(ref, "InvalidBackend", "passthrough host " + host.get() + " has no backend; it is ignored");
                continue;
            }
            List<String> ignored = paths.stream().map(path -> path.getPath() == null ? "/" : path.getPath())
                    .filter(path -> !path.equals("/")).toList();
            if (!ignored.isEmpty()) {
                context.problems.warning(ref, "PassthroughPaths", "passthrough is per host: the proxy cannot see paths inside TLS;"
                        + " paths " + String.join(", ", ignored) + " of " + host.get() + " are ignored and all of its"
                        + " connections go to service " + backend.getService().getName());
            }
            HostTable.Host builder = context.hosts.host(host.get());
            if (!context.hosts.claimMode(served, host.get(), builder)) {
                continue;
            }
            if (builder.routes.isEmpty()) { // the Ingress whose rule the host gets decides its source ranges too
                builder.access = AccessRulesReader.sourceRanges(served);
            }
            context.backends.resolve(ref, served.namespace(), backend, "passthrough host " + host.get(), served.settings())
                    .ifPresent(cluster -> context.hosts.claim(ref, host.get(), builder, PathMatch.prefix("/"), cluster));
        }
        if (spec.getTls() != null && !spec.getTls().isEmpty()) {
            context.problems.warning(ref, "TlsIgnoredForPassthrough", "spec.tls is ignored for passthrough hosts: clients see"
                    + " the pods' own certificates");
        }
    }

    /** The backend of path "/" (or the first path; or the defaultBackend when there are no paths). */
    private static IngressBackend passthroughBackend(List<HTTPIngressPath> paths, IngressBackend defaultBackend) {
        for (HTTPIngressPath path : paths) {
            if (path.getPath() == null || path.getPath().equals("/")) {
                return path.getBackend();
            }
        }
        return paths.isEmpty() ? defaultBackend : paths.getFirst().getBackend();
    }

}
