package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.operator.annotation.AffinityAnnotation;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.SecretRef;
import dev.portcullis.operator.annotation.TlsModeAnnotation;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Ingress semantics, as one pure function from a {@link ClusterState} to a {@link Snapshot} and
 * the problems found: no I/O, the clock passed in, output in a deterministic order.
 *
 * <ul>
 *   <li>Ingresses are taken oldest first (creationTimestamp, then namespace/name); when two claim
 *       the same host and path, the older wins and the newer gets a PathConflict problem.</li>
 *   <li>Rules without a host serve every host no other rule names (the catch-all host).</li>
 *   <li>{@code defaultBackend} serves what no path matches: on the hosts of its own Ingress and
 *       on the catch-all host, where explicit rules did not already claim {@code /}.</li>
 *   <li>pathType ImplementationSpecific is treated as Prefix.</li>
 *   <li>A host listed in {@code spec.tls} has TLS, and its plain-HTTP requests are redirected to
 *       https unless {@code portcullis.dev/ssl-redirect: "false"}.</li>
 * </ul>
 */
public final class IngressTranslator {

    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

    private static final Comparator<Ingress> OLDEST_FIRST = Comparator
            .comparing((Ingress ingress) -> creation(ingress))
            .thenComparing(ClusterState::namespaceOf)
            .thenComparing(ingress -> ingress.getMetadata().getName());

    /** An Ingress that is served, with its annotations read once and what they say about its backends. */
    private record Served(Ingress ingress, ObjectRef ref, IngressAnnotations annotations, TlsModeAnnotation mode,
                          ClusterSettings settings) {
        String namespace() {
            return ClusterState.namespaceOf(ingress);
        }
    }

    /** Who claimed a host's path first. */
    private record Claim(String cluster, ObjectRef ingress, boolean fromDefaultBackend) {
    }

    /** A host as it is assembled from every Ingress that names it. */
    private static final class HostBuilder {
        final Map<PathMatch, Claim> routes = new TreeMap<>(Comparator.comparing(PathMatch::type).thenComparing(PathMatch::path));
        TlsModeAnnotation mode;
        ObjectRef modeFrom;
        boolean tls;
        String certificate;
        ObjectRef tlsFrom;
        String tlsSecret;
        Boolean sslRedirect;
    }

    private final ClusterState state;
    private final Instant now;
    private final Problems problems = new Problems();
    private final BackendResolver backends;
    private final TlsSecretValidator secrets;
    private final Map<String, HostBuilder> hosts = new TreeMap<>();

    private IngressTranslator(ClusterState state, Instant now) {
        this.state = state;
        this.now = now;
        this.backends = new BackendResolver(state, problems);
        this.secrets = new TlsSecretValidator(state, now, problems);
    }

    public static Translation translate(ClusterState state, long version, Instant now) {
        return new IngressTranslator(state, now).run(version);
    }

    private Translation run(long version) {
        IngressClassSelector selector = new IngressClassSelector(state.ingressClasses());
        List<Ingress> ours = state.ingresses().stream()
                .filter(selector::isOurs)
                .filter(ingress -> ingress.getSpec() != null)
                .sorted(OLDEST_FIRST)
                .toList();
        List<Served> served = new ArrayList<>();
        for (Ingress ingress : ours) {
            servable(ingress).ifPresent(served::add);
        }
        served.forEach(this::addRules);
        served.forEach(this::addDefaultBackend);
        served.forEach(this::addTls);
        Snapshot snapshot = snapshot(version);
        return new Translation(snapshot, problems.all());
    }

    /**
     * Reads an Ingress's annotations, reporting their problems; empty when the Ingress cannot be
     * served as written (an invalid value, an unusable backend Secret, a mode not served).
     */
    private Optional<Served> servable(Ingress ingress) {
        ObjectRef ref = ObjectRef.of(ingress);
        String namespace = ClusterState.namespaceOf(ingress);
        IngressAnnotations annotations = IngressAnnotations.read(ingress.getMetadata().getAnnotations());
        annotations.unknown().forEach(name -> problems.warning(ref, "UnknownAnnotation", name
                + " is not a Portcullis annotation and is ignored; known: " + String.join(", ", IngressAnnotations.knownNames())));
        annotations.notes().forEach(note -> problems.warning(ref, "AnnotationWithoutEffect", note));
        annotations.invalid().forEach(message -> problems.error(ref, "InvalidAnnotation",
                message + "; this Ingress is not served until it is fixed"));
        annotations.nginxIgnored().forEach(name -> problems.warning(ref, "NginxAnnotationIgnored", name
                + " is not implemented by Portcullis and is ignored"));
        annotations.nginxRefused().forEach(name -> problems.error(ref, "NginxAnnotationRefused", name
                + " restricts who reaches this backend and Portcullis does not implement it yet; rather than serve"
                + " the Ingress without it, Portcullis leaves this Ingress out until the annotation is removed"));
        if (!annotations.invalid().isEmpty() || !annotations.nginxRefused().isEmpty()) {
            return Optional.empty();
        }
        TlsModeAnnotation mode = annotations.get(IngressAnnotations.TLS_MODE).orElse(TlsModeAnnotation.TERMINATE);
        AffinityAnnotation affinity = annotations.get(IngressAnnotations.AFFINITY).orElse(AffinityAnnotation.NONE);
        if (affinity == AffinityAnnotation.COOKIE) {
            problems.error(ref, "UnsupportedAffinity", annotations.sourceOf(IngressAnnotations.AFFINITY)
                    + ": cookie affinity is not served by this version of Portcullis (client-ip is); this Ingress is left out");
            return Optional.empty();
        }
        ProxyProtocol proxyProtocol = annotations.get(IngressAnnotations.PROXY_PROTOCOL).orElse(ProxyProtocol.OFF);
        if (proxyProtocol != ProxyProtocol.OFF && mode != TlsModeAnnotation.PASSTHROUGH) {
            problems.warning(ref, "AnnotationWithoutEffect", IngressAnnotations.PROXY_PROTOCOL.name()
                    + " applies to tls-mode passthrough only and is ignored here");
            proxyProtocol = ProxyProtocol.OFF;
        }
        ClusterSettings.BackendTls tls = null;
        if (mode == TlsModeAnnotation.REENCRYPT) {
            Optional<ClusterSettings.BackendTls> backendTls = backendTls(ref, namespace, annotations);
            if (backendTls.isEmpty()) {
                return Optional.empty();
            }
            tls = backendTls.get();
        } else {
            for (var parser : List.of(IngressAnnotations.BACKEND_CA_SECRET, IngressAnnotations.BACKEND_CLIENT_CERT_SECRET,
                    IngressAnnotations.BACKEND_SERVER_NAME, IngressAnnotations.BACKEND_VERIFY)) {
                if (annotations.get(parser).isPresent()) {
                    problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser)
                            + " applies to tls-mode reencrypt only and is ignored here");
                }
            }
        }
        BalancePolicy balance = affinity == AffinityAnnotation.CLIENT_IP ? BalancePolicy.CLIENT_IP : BalancePolicy.ROUND_ROBIN;
        return Optional.of(new Served(ingress, ref, annotations, mode, new ClusterSettings(balance, proxyProtocol, tls)));
    }

    /** Re-encryption settings: the CA and client certificate Secrets must exist and parse. */
    private Optional<ClusterSettings.BackendTls> backendTls(ObjectRef ref, String namespace, IngressAnnotations annotations) {
        boolean verify = annotations.get(IngressAnnotations.BACKEND_VERIFY).orElse(true);
        if (!verify) {
            problems.warning(ref, "BackendVerifyOff", annotations.sourceOf(IngressAnnotations.BACKEND_VERIFY)
                    + " turns off verification of the pods' certificates: anyone who can answer on their addresses can read this traffic");
        }
        String caPem = null;
        String caSecret = null;
        Optional<SecretRef> ca = annotations.get(IngressAnnotations.BACKEND_CA_SECRET);
        if (ca.isPresent() && verify) {
            String source = annotations.sourceOf(IngressAnnotations.BACKEND_CA_SECRET);
            if (!sameNamespace(ref, namespace, ca.get(), source)) {
                return Optional.empty();
            }
            Optional<String> bundle = secrets.caBundle(ref, namespace, ca.get().name(), source);
            if (bundle.isEmpty()) {
                return Optional.empty();
            }
            caPem = bundle.get();
            caSecret = namespace + "/" + ca.get().name();
        }
        String clientCertificate = null;
        Optional<SecretRef> client = annotations.get(IngressAnnotations.BACKEND_CLIENT_CERT_SECRET);
        if (client.isPresent()) {
            String source = annotations.sourceOf(IngressAnnotations.BACKEND_CLIENT_CERT_SECRET);
            boolean fromAlias = source.startsWith(IngressAnnotations.NGINX);
            if (!sameNamespace(ref, namespace, client.get(), source)) {
                return Optional.empty();
            }
            // ingress-nginx's proxy-ssl-secret may hold only ca.crt; then no client certificate is shown.
            if (!fromAlias || secrets.hasKey(namespace, client.get().name(), "tls.crt")) {
                Optional<String> certificate = secrets.clientCertificate(ref, namespace, client.get().name(), source, !fromAlias);
                if (certificate.isEmpty()) {
                    return Optional.empty();
                }
                clientCertificate = certificate.get();
            }
        }
        return Optional.of(new ClusterSettings.BackendTls(annotations.get(IngressAnnotations.BACKEND_SERVER_NAME).orElse(null),
                caSecret, caPem, verify, clientCertificate));
    }

    private boolean sameNamespace(ObjectRef ref, String namespace, SecretRef secret, String source) {
        if (secret.namespace() == null || secret.namespace().equals(namespace)) {
            return true;
        }
        problems.error(ref, "CrossNamespaceSecret", source + " names secret " + secret + " in another namespace; only"
                + " Secrets in the Ingress's own namespace (" + namespace + ") are used. This Ingress is not served");
        return false;
    }

    /** The first Ingress to name a host sets its TLS mode; a later one asking for another mode loses that host. */
    private boolean claimMode(Served served, String host, HostBuilder builder) {
        if (host.equals(VirtualHost.ANY_HOST)) {
            return true; // the catch-all is never passed through; terminated and re-encrypted routes mix there
        }
        if (builder.mode == null) {
            builder.mode = served.mode();
            builder.modeFrom = served.ref();
            return true;
        }
        if (builder.mode == served.mode()) {
            return true;
        }
        problems.error(served.ref(), "TlsModeConflict", "host " + host + " is served with tls-mode " + modeName(builder.mode)
                + " by the older Ingress " + builder.modeFrom + "; this Ingress asks for " + modeName(served.mode())
                + ", so its rules for " + host + " are ignored");
        return false;
    }

    private static String modeName(TlsModeAnnotation mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void addPassthroughRules(Served served) {
        ObjectRef ref = served.ref();
        IngressSpec spec = served.ingress().getSpec();
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            if (rule.getHost() == null || rule.getHost().isEmpty()) {
                problems.error(ref, "PassthroughNeedsHost", "a rule without a host cannot be passed through: TLS passthrough"
                        + " routes on the ClientHello's server name. This rule is ignored");
                continue;
            }
            Optional<String> host = hostOf(ref, rule.getHost());
            if (host.isEmpty()) {
                continue;
            }
            List<HTTPIngressPath> paths = rule.getHttp() == null || rule.getHttp().getPaths() == null
                    ? List.of() : rule.getHttp().getPaths();
            IngressBackend backend = passthroughBackend(paths, spec.getDefaultBackend());
            if (backend == null) {
                problems.error(ref, "InvalidBackend", "passthrough host " + host.get() + " has no backend; it is ignored");
                continue;
            }
            List<String> ignored = paths.stream().map(path -> path.getPath() == null ? "/" : path.getPath())
                    .filter(path -> !path.equals("/")).toList();
            if (!ignored.isEmpty()) {
                problems.warning(ref, "PassthroughPaths", "passthrough is per host: the proxy cannot see paths inside TLS;"
                        + " paths " + String.join(", ", ignored) + " of " + host.get() + " are ignored and all of its"
                        + " connections go to service " + backend.getService().getName());
            }
            HostBuilder builder = hosts.computeIfAbsent(host.get(), name -> new HostBuilder());
            if (!claimMode(served, host.get(), builder)) {
                continue;
            }
            backends.resolve(ref, served.namespace(), backend, "passthrough host " + host.get(), served.settings())
                    .ifPresent(cluster -> claim(ref, host.get(), builder, PathMatch.prefix("/"), cluster, false));
        }
        if (spec.getTls() != null && !spec.getTls().isEmpty()) {
            problems.warning(ref, "TlsIgnoredForPassthrough", "spec.tls is ignored for passthrough hosts: clients see"
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

    private void addRules(Served served) {
        if (served.mode() == TlsModeAnnotation.PASSTHROUGH) {
            addPassthroughRules(served);
            return;
        }
        Ingress ingress = served.ingress();
        ObjectRef ref = served.ref();
        String namespace = ClusterState.namespaceOf(ingress);
        List<IngressRule> rules = ingress.getSpec().getRules() == null ? List.of() : ingress.getSpec().getRules();
        for (IngressRule rule : rules) {
            Optional<String> host = hostOf(ref, rule.getHost());
            if (host.isEmpty()) {
                continue;
            }
            HostBuilder builder = hosts.computeIfAbsent(host.get(), name -> new HostBuilder());
            if (!claimMode(served, host.get(), builder)) {
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
                Optional<String> cluster = backends.resolve(ref, namespace, path.getBackend(), usedFor, served.settings());
                cluster.ifPresent(name -> claim(ref, host.get(), builder, match.get(), name, false));
            }
        }
    }

    private void addDefaultBackend(Served served) {
        Ingress ingress = served.ingress();
        IngressSpec spec = ingress.getSpec();
        if (spec.getDefaultBackend() == null || served.mode() == TlsModeAnnotation.PASSTHROUGH) {
            return; // a passthrough Ingress's defaultBackend only stands in for missing paths
        }
        ObjectRef ref = served.ref();
        Optional<String> cluster = backends.resolve(ref, ClusterState.namespaceOf(ingress), spec.getDefaultBackend(),
                "defaultBackend", served.settings());
        if (cluster.isEmpty()) {
            return;
        }
        Set<String> ownHosts = new LinkedHashSet<>();
        ownHosts.add(VirtualHost.ANY_HOST);
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            validHost(rule.getHost()).ifPresent(ownHosts::add);
        }
        for (String host : ownHosts) {
            HostBuilder builder = hosts.computeIfAbsent(host, name -> new HostBuilder());
            if (!host.equals(VirtualHost.ANY_HOST) && builder.mode != null && builder.mode != served.mode()) {
                continue; // the host is served in another mode; its conflict is already reported
            }
            Claim existing = builder.routes.get(PathMatch.prefix("/"));
            if (existing == null) {
                builder.routes.put(PathMatch.prefix("/"), new Claim(cluster.get(), ref, true));
            } else if (host.equals(VirtualHost.ANY_HOST) && existing.fromDefaultBackend() && !existing.ingress().equals(ref)) {
                problems.warning(ref, "DefaultBackendConflict", "the defaultBackend of the older Ingress "
                        + existing.ingress() + " already serves requests for unknown hosts; this one serves only its own hosts");
            }
        }
    }

    private void addTls(Served served) {
        if (served.mode() == TlsModeAnnotation.PASSTHROUGH) {
            sslRedirectFor(served);
            return;
        }
        Ingress ingress = served.ingress();
        ObjectRef ref = served.ref();
        Optional<Boolean> sslRedirect = served.annotations().get(IngressAnnotations.SSL_REDIRECT);
        List<String> ruleHosts = new ArrayList<>();
        for (IngressRule rule : ingress.getSpec().getRules() == null ? List.<IngressRule>of() : ingress.getSpec().getRules()) {
            validHost(rule.getHost()).filter(host -> !host.equals(VirtualHost.ANY_HOST)).ifPresent(ruleHosts::add);
        }
        sslRedirectFor(served);
        for (IngressTLS tls : ingress.getSpec().getTls() == null ? List.<IngressTLS>of() : ingress.getSpec().getTls()) {
            // A TLS entry without hosts covers every host of the Ingress's rules.
            List<String> tlsHosts = tls.getHosts() == null || tls.getHosts().isEmpty() ? ruleHosts : tls.getHosts();
            for (String rawHost : tlsHosts) {
                Optional<String> host = hostOf(ref, rawHost);
                if (host.isEmpty() || host.get().equals(VirtualHost.ANY_HOST)) {
                    continue;
                }
                HostBuilder builder = hosts.computeIfAbsent(host.get(), name -> new HostBuilder());
                if (builder.mode == TlsModeAnnotation.PASSTHROUGH) {
                    continue;
                }
                if (builder.tls) {
                    if (!java.util.Objects.equals(builder.tlsSecret, tls.getSecretName())) {
                        problems.warning(ref, "TlsConflict", "host " + host.get() + " already takes its certificate from "
                                + (builder.tlsSecret == null ? "the default certificate" : "secret " + builder.tlsSecret)
                                + " (older Ingress " + builder.tlsFrom + "); secret " + tls.getSecretName() + " is not used for it");
                    }
                    continue;
                }
                builder.tls = true;
                builder.tlsFrom = ref;
                builder.tlsSecret = tls.getSecretName();
                if (tls.getSecretName() != null) {
                    builder.certificate = secrets.certificateFor(ref, ClusterState.namespaceOf(ingress),
                            tls.getSecretName(), host.get()).orElse(null);
                }
            }
        }
    }

    /** The oldest Ingress naming a host with an ssl-redirect annotation decides it for the host. */
    private void sslRedirectFor(Served served) {
        Optional<Boolean> sslRedirect = served.annotations().get(IngressAnnotations.SSL_REDIRECT);
        IngressSpec spec = served.ingress().getSpec();
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            validHost(rule.getHost()).filter(host -> !host.equals(VirtualHost.ANY_HOST)).ifPresent(host -> {
                HostBuilder builder = hosts.get(host);
                if (sslRedirect.isPresent() && builder != null && builder.sslRedirect == null) {
                    builder.sslRedirect = sslRedirect.get();
                }
            });
        }
    }

    private void claim(ObjectRef ref, String host, HostBuilder builder, PathMatch match, String cluster, boolean fromDefault) {
        Claim existing = builder.routes.get(match);
        if (existing != null) {
            problems.warning(ref, "PathConflict", "host " + (host.equals(VirtualHost.ANY_HOST) ? "(any)" : host)
                    + " path " + match.path() + " (" + pathTypeName(match) + ") is already served by "
                    + (existing.ingress().equals(ref) ? "an earlier rule of this Ingress" : "the older Ingress " + existing.ingress())
                    + "; this rule is ignored");
            return;
        }
        builder.routes.put(match, new Claim(cluster, ref, fromDefault));
    }

    /** The host of a rule ("*" when it has none), or empty with a problem when it is not a valid name. */
    private Optional<String> hostOf(ObjectRef ref, String host) {
        Optional<String> valid = validHost(host);
        if (valid.isEmpty()) {
            problems.error(ref, "InvalidHost", "host \"" + host + "\" is not a lowercase DNS name or a \"*.\" wildcard"
                    + " of one label; its rules are ignored");
        }
        return valid;
    }

    /** The host of a rule ("*" when it has none), or empty when it is not a valid name. */
    private static Optional<String> validHost(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.of(VirtualHost.ANY_HOST);
        }
        return host.length() <= 253 && DNS_NAME.matcher(host).matches() ? Optional.of(host) : Optional.empty();
    }

    private Optional<PathMatch> matchOf(ObjectRef ref, String host, HTTPIngressPath path) {
        String type = path.getPathType();
        String value = path.getPath();
        if (type == null) {
            problems.warning(ref, "MissingPathType", "host " + host + " path " + value
                    + " has no pathType; it is treated as ImplementationSpecific (Prefix)");
            type = "ImplementationSpecific";
        }
        if ((value == null || value.isEmpty()) && !type.equals("Exact")) {
            value = "/";
        }
        if (value == null || !value.startsWith("/")) {
            problems.error(ref, "InvalidPath", "host " + host + " path \"" + (value == null ? "" : value)
                    + "\" must start with \"/\"; this path is ignored");
            return Optional.empty();
        }
        return switch (type) {
            case "Exact" -> Optional.of(PathMatch.exact(value));
            case "Prefix", "ImplementationSpecific" -> Optional.of(PathMatch.prefix(value));
            default -> {
                problems.error(ref, "InvalidPathType", "host " + host + " path " + value + " has pathType \"" + type
                        + "\"; use Exact, Prefix or ImplementationSpecific. This path is ignored");
                yield Optional.empty();
            }
        };
    }

    private Snapshot snapshot(long version) {
        List<VirtualHost> virtualHosts = new ArrayList<>();
        hosts.forEach((name, builder) -> {
            List<Route> routes = builder.routes.entrySet().stream()
                    .map(entry -> new Route(entry.getKey(), entry.getValue().cluster()))
                    .toList();
            boolean passthrough = builder.mode == TlsModeAnnotation.PASSTHROUGH;
            boolean redirect = (builder.tls || passthrough) && (builder.sslRedirect == null || builder.sslRedirect);
            TlsMode mode = passthrough ? TlsMode.PASSTHROUGH
                    : builder.mode == TlsModeAnnotation.REENCRYPT ? TlsMode.REENCRYPT : TlsMode.TERMINATE;
            virtualHosts.add(new VirtualHost(name, mode, passthrough ? null : builder.certificate, routes, redirect));
        });
        return new Snapshot(version, virtualHosts, backends.clusters(), secrets.certificates(), null);
    }

    private static String pathTypeName(PathMatch match) {
        return match.type() == PathMatch.Type.EXACT ? "Exact" : "Prefix";
    }

    private static Instant creation(Ingress ingress) {
        String timestamp = ingress.getMetadata().getCreationTimestamp();
        if (timestamp == null) {
            return Instant.MIN;
        }
        try {
            return Instant.parse(timestamp);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.MIN;
        }
    }
}
