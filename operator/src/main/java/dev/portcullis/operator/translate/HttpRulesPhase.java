package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.PathPatterns;
import dev.portcullis.dataplane.route.AcmeChallenge;
import dev.portcullis.operator.annotation.TlsModeAnnotation;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import java.util.List;
import java.util.Optional;

/**
 * The HTTP rules phase (terminated and re-encrypted Ingresses): each rule's host and paths become
 * routes to clusters of pod endpoints; the older Ingress keeps a contested host mode or path.
 * pathType ImplementationSpecific is treated as Prefix, except on an Ingress with use-regex or
 * rewrite-target, where it is a regular expression ({@link RegexHostRoutes}); rules without a host
 * serve the catch-all host.
 *
 * <p>ACME HTTP-01 challenge rules (a rule of a terminated Ingress whose every path lies under
 * {@code /.well-known/acme-challenge}, such as the one in each solver Ingress cert-manager creates)
 * are applied after every other Ingress's rules, by {@link #applyChallengeRules}: they join their
 * host in whatever mode the host's own Ingresses gave it and never decide that mode, so a solver
 * Ingress neither loses a re-encrypted host to a mode conflict nor, when it happens to be the older
 * one, takes the host from its owner. The challenge is served over plain HTTP, where every mode but
 * passthrough routes by path.
 */
final class HttpRulesPhase implements IngressPhase {

    private final TranslationContext context;
    private final ErrorBackends errorBackends;

    HttpRulesPhase(TranslationContext context) {
        this.context = context;
        this.errorBackends = new ErrorBackends(context);
    }

    @Override
    public void apply(ServedIngress served) {
        Optional<ErrorBackends.StandIn> standIn = hasOtherThanChallengeRules(served) ? errorBackends.of(served) : Optional.empty();
        for (IngressRule rule : served.rules()) {
            if (!isChallengeRule(served, rule)) {
                applyRule(served, rule, true, standIn);
            }
        }
    }

    /** The challenge rules of a terminated Ingress, once every Ingress's other rules have set their hosts' modes. */
    void applyChallengeRules(ServedIngress served) {
        for (IngressRule rule : served.rules()) {
            if (isChallengeRule(served, rule)) {
                applyRule(served, rule, false, Optional.empty());
            }
        }
    }

    private static boolean hasOtherThanChallengeRules(ServedIngress served) {
        for (IngressRule rule : served.rules()) {
            if (!isChallengeRule(served, rule)) {
                return true;
            }
        }
        return false;
    }

    // Loops, not streams: asked of every rule of every Ingress at every translation.
    private static boolean isChallengeRule(ServedIngress served, IngressRule rule) {
        if (served.mode() != TlsModeAnnotation.TERMINATE || rule.getHttp() == null || rule.getHttp().getPaths() == null
                || rule.getHttp().getPaths().isEmpty()) {
            return false;
        }
        for (var path : rule.getHttp().getPaths()) {
            if (!AcmeChallenge.isChallengePath(path.getPath())) {
                return false;
            }
        }
        return true;
    }

    private void applyRule(ServedIngress served, IngressRule rule, boolean claimsMode, Optional<ErrorBackends.StandIn> standIn) {
        Ingress ingress = served.ingress();
        ObjectRef ref = served.ref();
        String namespace = ClusterState.namespaceOf(ingress);
        Optional<String> host = HostNames.checked(context.problems, ref, rule.getHost());
        if (host.isEmpty()) {
            return;
        }
        HostTable.Host builder = context.hosts.host(host.get());
        if (claimsMode && !context.hosts.claimMode(served, host.get(), builder)) {
            return;
        }
        if (claimsMode && !context.hosts.claimTls(served, host.get(), builder)) {
            return;
        }
        RouteActions actions = RouteActions.of(served.annotations()).withAccess(AccessRulesReader.read(served));
        if (actions.regex() && builder.regexFrom == null) {
            builder.regexFrom = ref;
        }
        if (!claimsMode && builder.mode == TlsModeAnnotation.PASSTHROUGH) {
            context.problems.error(ref, "AcmeChallengeOnPassthroughHost", "host " + host.get() + " is passed through to"
                    + " its pods by the Ingress " + builder.modeFrom + ", and Portcullis serves no plain-HTTP paths for a"
                    + " passthrough host, so this ACME HTTP-01 challenge cannot be answered; use a DNS-01 solver for "
                    + host.get() + ". This rule is ignored");
            return;
        }
        if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
            return;
        }
        for (HTTPIngressPath path : rule.getHttp().getPaths()) {
            Optional<PathMatch> match = matchOf(ref, host.get(), path, actions.regex());
            if (match.isEmpty()) {
                continue;
            }
            String usedFor = "host " + host.get() + " path " + match.get().path();
            Optional<String> cluster = context.backends.resolve(ref, namespace, path.getBackend(), usedFor, served.settings());
            RouteActions pathActions = standIn.map(found -> actions.withErrorBackend(
                    ErrorBackends.forRoute(found, served, path.getBackend()))).orElse(actions);
            cluster.ifPresent(name -> context.hosts.claim(ref, host.get(), builder, match.get(), name, pathActions));
        }
    }

    private Optional<PathMatch> matchOf(ObjectRef ref, String host, HTTPIngressPath path, boolean regex) {
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
            case "ImplementationSpecific" -> {
                if (!regex) {
                    yield Optional.of(PathMatch.prefix(value));
                }
                String problem = PathPatterns.problem(RegexHostRoutes.pattern(value));
                if (problem != null) {
                    context.problems.error(ref, "InvalidPathRegex", "host " + host + " path " + value + " is a regular"
                            + " expression (use-regex or rewrite-target) but " + problem + "; this path is ignored");
                    yield Optional.empty();
                }
                yield Optional.of(PathMatch.regex(value));
            }
            case "Prefix" -> {
                if (regex && value.chars().anyMatch(c -> "*+?()[]{}|^$\\".indexOf(c) >= 0)) {
                    context.problems.warning(ref, "LiteralPrefixPath", "host " + host + " path " + value + " has pathType"
                            + " Prefix, so it is matched literally, not as a regular expression (ingress-nginx refuses such a"
                            + " path); write pathType: ImplementationSpecific for a regular expression");
                }
                yield Optional.of(PathMatch.prefix(value));
            }
            default -> {
                context.problems.error(ref, "InvalidPathType", "host " + host + " path " + value + " has pathType \"" + type
                        + "\"; use Exact, Prefix or ImplementationSpecific. This path is ignored");
                yield Optional.empty();
            }
        };
    }

}
