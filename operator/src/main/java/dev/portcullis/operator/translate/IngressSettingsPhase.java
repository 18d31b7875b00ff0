package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.operator.annotation.BackendProtocolAnnotation;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.NginxAnnotationPolicy;
import dev.portcullis.operator.annotation.SecretRef;
import dev.portcullis.operator.annotation.TlsModeAnnotation;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

import java.util.List;
import java.util.Optional;

/**
 * The annotations phase: reads each Ingress's annotations once into what they mean for its hosts
 * and backends (TLS mode, balancing, PROXY header, TLS and HTTP version to the pods), reporting their problems. An
 * Ingress whose annotations cannot be honoured (an invalid value, a refused ingress-nginx
 * annotation, an unusable backend Secret, a mode not served) is left out.
 */
final class IngressSettingsPhase {

    private final TranslationContext context;

    IngressSettingsPhase(TranslationContext context) {
        this.context = context;
    }

    /**
     * Reads an Ingress's annotations, reporting their problems; empty when the Ingress cannot be
     * served as written (an invalid value, an unusable backend Secret, a mode not served).
     */
    Optional<ServedIngress> read(Ingress ingress) {
        ObjectRef ref = ObjectRef.of(ingress);
        IngressSettingsMemo.Reading known = context.settingsMemo.find(ref, ingress);
        if (known != null) {
            context.problems.addAll(known.problems());
            return known.served();
        }
        int problemsBefore = context.problems.count();
        int secretReadsBefore = context.secrets.secretReads();
        Optional<ServedIngress> served = readAfresh(ingress, ref);
        if (context.secrets.secretReads() == secretReadsBefore) {
            context.settingsMemo.remember(ref, ingress, new IngressSettingsMemo.Reading(served, context.problems.since(problemsBefore)));
        }
        return served;
    }

    private Optional<ServedIngress> readAfresh(Ingress ingress, ObjectRef ref) {
        String namespace = ClusterState.namespaceOf(ingress);
        IngressAnnotations annotations = IngressAnnotations.read(ingress.getMetadata().getAnnotations());
        annotations.unknown().forEach(name -> context.problems.warning(ref, "UnknownAnnotation", name
                + " is not a Portcullis annotation and is ignored; known: " + String.join(", ", IngressAnnotations.knownNames())));
        annotations.notes().forEach(note -> context.problems.warning(ref, "AnnotationWithoutEffect", note));
        annotations.invalid().forEach(message -> context.problems.error(ref, "InvalidAnnotation",
                message + "; this Ingress is not served until it is fixed"));
        annotations.nginxIgnored().forEach(name -> context.problems.warning(ref, "NginxAnnotationIgnored", name
                + " is not implemented by Portcullis and is ignored"));
        annotations.nginxRefused().forEach(name -> context.problems.error(ref, "NginxAnnotationRefused", name
                + " restricts who reaches this backend and Portcullis does not implement it"
                + Optional.ofNullable(NginxAnnotationPolicy.refusalReason(name.substring(IngressAnnotations.NGINX.length())))
                        .map(reason -> " (" + reason + ")").orElse(" yet") + "; rather than serve"
                + " the Ingress without it, Portcullis leaves this Ingress out until the annotation is removed"));
        if (!annotations.invalid().isEmpty() || !annotations.nginxRefused().isEmpty()) {
            return Optional.empty();
        }
        Optional<BackendProtocolAnnotation> protocol = annotations.get(IngressAnnotations.BACKEND_PROTOCOL);
        Optional<TlsModeAnnotation> explicitMode = annotations.get(IngressAnnotations.TLS_MODE);
        // backend-protocol's TLS (HTTPS, H2, GRPCS) means re-encryption unless tls-mode says how.
        TlsModeAnnotation mode = explicitMode.orElse(protocol.filter(BackendProtocolAnnotation::tls).isPresent()
                ? TlsModeAnnotation.REENCRYPT : TlsModeAnnotation.TERMINATE);
        RouteActions.report(context.problems, ref, annotations, mode == TlsModeAnnotation.PASSTHROUGH);
        if (AccessRulesReader.refused(context.problems, ref, annotations, mode == TlsModeAnnotation.PASSTHROUGH)) {
            return Optional.empty();
        }
        UpstreamProtocol upstreamProtocol = UpstreamProtocol.HTTP_1_1;
        if (protocol.isPresent()) {
            String source = annotations.sourceOf(IngressAnnotations.BACKEND_PROTOCOL);
            String value = protocol.get().name();
            if (mode == TlsModeAnnotation.PASSTHROUGH) {
                context.problems.warning(ref, "AnnotationWithoutEffect", source + " \"" + value + "\" is ignored:"
                        + " passthrough relays the client's own TLS connection to the pods");
            } else if (explicitMode.isPresent() && protocol.get().tls() != (mode == TlsModeAnnotation.REENCRYPT)) {
                context.problems.error(ref, "ConflictingAnnotations", source + " \"" + value + "\" asks for "
                        + (protocol.get().tls() ? "TLS" : "plain text") + " to the pods but "
                        + annotations.sourceOf(IngressAnnotations.TLS_MODE) + " is " + modeName(mode)
                        + "; this Ingress is not served until they agree");
                return Optional.empty();
            } else if (protocol.get().http2()) {
                upstreamProtocol = UpstreamProtocol.HTTP_2;
            }
        }
        Optional<BalancingReader.Balancing> balancing = BalancingReader.read(ref, annotations, mode, context.problems);
        if (balancing.isEmpty()) {
            return Optional.empty();
        }
        ProxyProtocol proxyProtocol = annotations.get(IngressAnnotations.PROXY_PROTOCOL).orElse(ProxyProtocol.OFF);
        if (proxyProtocol != ProxyProtocol.OFF && mode != TlsModeAnnotation.PASSTHROUGH) {
            context.problems.warning(ref, "AnnotationWithoutEffect", IngressAnnotations.PROXY_PROTOCOL.name()
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
                    context.problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser)
                            + " applies to tls-mode reencrypt only and is ignored here");
                }
            }
        }
        ExchangeLimits limits = ExchangeLimitsReader.read(ref, annotations, mode, context.problems);
        Optional<HealthSettings> health = HealthSettingsReader.read(ref, annotations, mode, upstreamProtocol, context.problems);
        Optional<HostTlsReader.HostTls> hostTls = new HostTlsReader(context).read(ref, namespace, annotations, mode);
        if (hostTls.isEmpty() || health.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServedIngress(ingress, ref, annotations, mode,
                new ClusterSettings(balancing.get().policy(), proxyProtocol, tls, upstreamProtocol, limits,
                        balancing.get().hashBy(), balancing.get().affinity(), health.get()), hostTls.get()));
    }

    /** Re-encryption settings: the CA and client certificate Secrets must exist and parse. */
    private Optional<ClusterSettings.BackendTls> backendTls(ObjectRef ref, String namespace, IngressAnnotations annotations) {
        boolean verify = annotations.get(IngressAnnotations.BACKEND_VERIFY).orElse(true);
        if (!verify) {
            context.problems.warning(ref, "BackendVerifyOff", annotations.sourceOf(IngressAnnotations.BACKEND_VERIFY)
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
            Optional<String> bundle = context.secrets.caBundle(ref, namespace, ca.get().name(), source);
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
            if (!fromAlias || context.secrets.hasKey(namespace, client.get().name(), "tls.crt")) {
                Optional<String> certificate = context.secrets.clientCertificate(ref, namespace, client.get().name(), source, !fromAlias);
                if (certificate.isEmpty()) {
                    return Optional.empty();
                }
                clientCertificate = certificate.get();
            }
        }
        return Optional.of(new ClusterSettings.BackendTls(annotations.get(IngressAnnotations.BACKEND_SERVER_NAME).orElse(null),
                caSecret, caPem, verify, clientCertificate));
    }

    private static String modeName(TlsModeAnnotation mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    private boolean sameNamespace(ObjectRef ref, String namespace, SecretRef secret, String source) {
        if (secret.namespace() == null || secret.namespace().equals(namespace)) {
            return true;
        }
        context.problems.error(ref, "CrossNamespaceSecret", source + " names secret " + secret + " in another namespace; only"
                + " Secrets in the Ingress's own namespace (" + namespace + ") are used. This Ingress is not served");
        return false;
    }

}
