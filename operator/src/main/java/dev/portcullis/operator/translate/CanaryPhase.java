package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Canary;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.NginxAnnotationPolicy;
import dev.portcullis.operator.annotation.TlsModeAnnotation;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * ingress-nginx's canary Ingresses ({@code canary: "true"}). A canary serves no host of its own: each
 * of its paths gives its backend to the route of the main Ingress (not a canary, same namespace) with
 * the same host and path, as an alternative the data plane picks by header, cookie or weight
 * ({@link Canary}). Everything else about those requests is the main route's (its path actions, its
 * host's TLS, how its pods are reached), as in ingress-nginx; the canary's own annotations of that
 * kind are named in a warning, and a TLS policy of its own that differs from its host's is an error
 * (fail closed). A path without a main route, a second canary of one route (the older wins) and a
 * canary in another namespace than the main Ingress are problems, and that path is not served.
 *
 * <p>Canaries are set aside after the annotations phase, so no rule, default backend or TLS section
 * of theirs reaches the host table; {@link #apply()} merges them once every main Ingress's rules are in.
 */
final class CanaryPhase {

    private static final List<AnnotationParser<?>> CANARY_ANNOTATIONS = List.of(IngressAnnotations.CANARY,
            IngressAnnotations.CANARY_BY_HEADER, IngressAnnotations.CANARY_BY_HEADER_VALUE,
            IngressAnnotations.CANARY_BY_HEADER_PATTERN, IngressAnnotations.CANARY_BY_COOKIE, IngressAnnotations.CANARY_WEIGHT,
            IngressAnnotations.CANARY_WEIGHT_TOTAL);

    private static final List<AnnotationParser<?>> TLS_POLICY_ANNOTATIONS = List.of(IngressAnnotations.CLIENT_AUTH_SECRET,
            IngressAnnotations.CLIENT_AUTH, IngressAnnotations.CLIENT_AUTH_DEPTH, IngressAnnotations.CLIENT_AUTH_PASS_CERTIFICATE,
            IngressAnnotations.CLIENT_AUTH_ERROR_PAGE, IngressAnnotations.NGINX_VERIFY_CLIENT, IngressAnnotations.MIN_TLS_VERSION,
            IngressAnnotations.CIPHERS);

    private record SetAside(ServedIngress served, Canary rules) {
    }

    private final TranslationContext context;
    private final Map<ObjectRef, ServedIngress> mains = new HashMap<>();
    private final List<SetAside> canaries = new ArrayList<>();
    /** Which canary Ingress each host's route got its canary from: "host path-type path" to the Ingress. */
    private final Map<String, ObjectRef> taken = new HashMap<>();

    CanaryPhase(TranslationContext context, List<ServedIngress> served) {
        this.context = context;
        served.forEach(ingress -> mains.put(ingress.ref(), ingress));
    }

    /**
     * Whether the Ingress is taken out of the ordinary phases: a canary (kept for {@link #apply()}),
     * or canary rules without {@code canary: "true"}, which is an error (served as a main Ingress, it
     * could take the very path its author meant to test).
     */
    boolean setAside(ServedIngress served) {
        IngressAnnotations annotations = served.annotations();
        boolean enabled = annotations.get(IngressAnnotations.CANARY).orElse(false);
        if (!enabled) {
            List<String> rules = new java.util.ArrayList<>(0); // a loop: asked of every Ingress at every translation
            for (var parser : CANARY_ANNOTATIONS) {
                if (parser != IngressAnnotations.CANARY && annotations.get(parser).isPresent()) {
                    rules.add(annotations.sourceOf(parser));
                }
            }
            if (rules.isEmpty()) {
                return false;
            }
            context.problems.error(served.ref(), "CanaryNotEnabled", String.join(", ", rules) + " configured, but the"
                    + " Ingress is not marked a canary (canary: \"true\"); this Ingress is not served until it is, or until"
                    + " the canary annotations are removed");
            return true;
        }
        mains.remove(served.ref());
        Optional<Canary> rules = CanaryRules.read(context.problems, served.ref(), annotations);
        if (served.passthrough()) {
            context.problems.error(served.ref(), "CanaryNotHttp", "a canary chooses between HTTP backends per request; a"
                    + " passthrough Ingress relays TLS connections, so this canary is not served");
        } else if (rules.isPresent()) {
            reportIgnored(served);
            canaries.add(new SetAside(served, rules.get()));
        }
        return true;
    }

    /** Gives each canary path's backend to its main route; oldest canary first. */
    void apply() {
        for (SetAside canary : canaries) {
            for (IngressRule rule : canary.served().rules()) {
                Optional<String> host = HostNames.checked(context.problems, canary.served().ref(), rule.getHost());
                if (host.isEmpty() || rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                    continue;
                }
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    merge(canary, host.get(), path);
                }
            }
        }
    }

    private void merge(SetAside canary, String name, HTTPIngressPath path) {
        ServedIngress served = canary.served();
        ObjectRef ref = served.ref();
        String value = path.getPath() == null || path.getPath().isEmpty() ? "/" : path.getPath();
        String type = path.getPathType() == null ? "ImplementationSpecific" : path.getPathType();
        String where = "host " + (name.equals(VirtualHost.ANY_HOST) ? "(any)" : name) + " path " + value + " (" + type + ")";
        HostTable.Host host = context.hosts.existing(name);
        if (host != null && host.mode == TlsModeAnnotation.PASSTHROUGH) {
            context.problems.error(ref, "CanaryNotHttp", where + ": the host is passed through to its pods by " + host.modeFrom
                    + "; its TLS connections are relayed without reading a request, so no canary can be chosen. This path"
                    + " is not served");
            return;
        }
        PathMatch match = host == null ? null : mainMatch(host, type, value);
        HostTable.Claim claim = match == null ? null : host.routes.get(match);
        ServedIngress main = claim == null ? null : mains.get(claim.ingress());
        if (main == null || claim.fromDefaultBackend()) {
            context.problems.warning(ref, "CanaryWithoutMain", where + " has no main Ingress (one that is not a canary,"
                    + " with the same host, path and pathType) to be the canary of; this path is not served");
            return;
        }
        if (!main.namespace().equals(served.namespace())) {
            context.problems.error(ref, "CanaryInOtherNamespace", where + " is served by " + main.ref() + " in another"
                    + " namespace; a canary may only take requests of a main Ingress in its own namespace, so this path is"
                    + " not served");
            return;
        }
        ObjectRef older = taken.get(name + " " + match.type() + " " + match.path());
        if (older != null) {
            context.problems.warning(ref, "CanaryConflict", where + " already has a canary, the older Ingress " + older
                    + "; ingress-nginx allows one canary per path, so this one is not served there");
            return;
        }
        if (served.hostTls().policy() != null && !served.hostTls().policy().equals(host.tlsPolicy)) {
            context.problems.error(ref, "CanaryTlsPolicyConflict", where + ": this canary asks for a TLS policy (client"
                    + " certificates, min-tls-version, ciphers) that its host, served by " + host.tlsPolicyFrom
                    + ", does not have; rather than let requests reach the canary without it, this path is not served");
            return;
        }
        String usedFor = where + " (canary of " + main.ref() + ")";
        Optional<String> cluster = context.backends.resolve(ref, served.namespace(), path.getBackend(), usedFor, main.settings());
        if (cluster.isEmpty()) {
            return;
        }
        if (cluster.get().equals(claim.cluster())) {
            context.problems.warning(ref, "CanaryWithoutEffect", where + ": the canary's backend is the main route's own ("
                    + cluster.get() + "), so it changes nothing");
            return;
        }
        if (claim.actions().redirect() != null) {
            context.problems.warning(ref, "CanaryWithoutEffect", where + ": the main route answers every request with a"
                    + " redirect, so none reaches a backend, the canary's included");
        }
        taken.put(name + " " + match.type() + " " + match.path(), ref);
        Canary rules = canary.rules();
        host.routes.put(match, new HostTable.Claim(claim.cluster(), claim.ingress(), false, claim.actions().withCanary(
                new Canary(cluster.get(), rules.header(), rules.headerValue(), rules.headerPattern(), rules.cookie(),
                        rules.weight(), rules.weightTotal()))));
    }

    /** The key of the main route a canary path joins: the same path, matched as the main Ingress's pathType made it. */
    private static PathMatch mainMatch(HostTable.Host host, String type, String value) {
        List<PathMatch> candidates = switch (type) {
            case "Exact" -> List.of(PathMatch.exact(value));
            case "Prefix" -> List.of(PathMatch.prefix(value));
            default -> List.of(PathMatch.prefix(value), PathMatch.regex(value));
        };
        return candidates.stream().filter(host.routes::containsKey).findFirst().orElse(null);
    }

    /** A canary's annotations and spec parts that the main Ingress decides instead, named in one warning. */
    private void reportIgnored(ServedIngress served) {
        TreeSet<String> ignored = new TreeSet<>();
        Map<String, String> raw = served.ingress().getMetadata().getAnnotations();
        List<String> canaryNames = CANARY_ANNOTATIONS.stream().map(AnnotationParser::name).toList();
        // The host's TLS policy is checked against the canary's in merge(), not ignored.
        List<String> tlsPolicy = TLS_POLICY_ANNOTATIONS.stream().filter(parser -> served.annotations().get(parser).isPresent())
                .map(served.annotations()::sourceOf).toList();
        raw.forEach((name, value) -> {
            boolean ours = name.startsWith(AnnotationParser.PREFIX) && IngressAnnotations.knownNames().contains(name);
            boolean alias = name.startsWith(IngressAnnotations.NGINX) && NginxAnnotationPolicy.verdict(
                    name.substring(IngressAnnotations.NGINX.length()), value) == NginxAnnotationPolicy.Verdict.IMPLEMENTED;
            String bare = name.substring(name.indexOf('/') + 1);
            if ((ours || alias) && !canaryNames.contains(AnnotationParser.PREFIX + bare) && !tlsPolicy.contains(name)) {
                ignored.add(name);
            }
        });
        if (served.ingress().getSpec().getTls() != null && !served.ingress().getSpec().getTls().isEmpty()) {
            ignored.add("spec.tls");
        }
        if (served.ingress().getSpec().getDefaultBackend() != null) {
            ignored.add("spec.defaultBackend");
        }
        if (!ignored.isEmpty()) {
            context.problems.warning(served.ref(), "CanaryAnnotationIgnored", String.join(", ", ignored) + " "
                    + (ignored.size() == 1 ? "is" : "are") + " ignored on a canary Ingress: its requests are handled as"
                    + " the main Ingress's route says (path actions, headers, CORS, TLS, timeouts, how pods are reached);"
                    + " only the backend differs");
        }
    }
}
