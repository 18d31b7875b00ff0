package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import java.util.List;
import java.util.Optional;

/**
 * The HTTP rules phase (terminated and re-encrypted Ingresses): each rule's host and paths become
 * routes to clusters of pod endpoints; the older Ingress keeps a contested host mode or path.
 * pathType ImplementationSpecific is treated as Prefix; rules without a host serve the catch-all host.
 */
final class HttpRulesPhase implements IngressPhase {

    private final TranslationContext context;

    HttpRulesPhase(TranslationContext context) {
        this.context = context;
    }

    @Override
    public void apply(ServedIngress served) {
        Ingress ingress = served.ingress();
        ObjectRef ref = served.ref();
        String namespace = ClusterState.namespaceOf(ingress);
        List<IngressRule> rules = ingress.getSpec().getRules() == null ? List.of() : ingress.getSpec().getRules();
        for (IngressRule rule : rules) {
            Optional<String> host = HostNames.checked(context.problems, ref, rule.getHost());
            if (host.isEmpty()) {
                continue;
            }
            HostTable.Host builder = context.hosts.host(host.get());
            if (!context.hosts.claimMode(served, host.get(), builder)) {
                continue;
            }
            if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                continue;
            }
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                Optional<PathMatch> match = matchOf(ref, host.get(), path);
                if (match.isEmpty()) {
                    continue;
                }
                String usedFor = "host " + host.get() + " path " + match.get().path();
                Optional<String> cluster = context.backends.resolve(ref, namespace, path.getBackend(), usedFor, served.settings());
                cluster.ifPresent(name -> context.hosts.claim(ref, host.get(), builder, match.get(), name));
            }
        }
    }

    private Optional<PathMatch> matchOf(ObjectRef ref, String host, HTTPIngressPath path) {
        String type = path.getPathType();
        String value = path.getPath();
        if (type == null) {
            context.problems.warning(ref, "MissingPathType", "host " + host + " path " + value
                    + " has no pathType; it is treated as ImplementationSpecific (Prefix)");
            type = "ImplementationSpecific";
        }
        if ((value == null || value.isEmpty()) && !type.equals("Exact")) {
            value = "/";
        }
        if (value == null || !value.startsWith("/")) {
            context.problems.error(ref, "InvalidPath", "host " + host + " path \"" + (value == null ? "" : value)
                    + "\" must start with \"/\"; this path is ignored");
            return Optional.empty();
        }
        return switch (type) {
            case "Exact" -> Optional.of(PathMatch.exact(value));
            case "Prefix", "ImplementationSpecific" -> Optional.of(PathMatch.prefix(value));
            default -> {
                context.problems.error(ref, "InvalidPathType", "host " + host + " path " + value + " has pathType \"" + type
                        + "\"; use Exact, Prefix or ImplementationSpecific. This path is ignored");
                yield Optional.empty();
            }
        };
    }

}
