package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.TlsModeAnnotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TLS phase: a host listed in {@code spec.tls} has TLS with the certificate of its Secret (the
 * first Ingress to list it decides), and its plain-HTTP requests are redirected to https unless
 * {@code ssl-redirect: "false"} (the oldest Ingress with that annotation decides for the host).
 */
final class TlsPhase implements IngressPhase {

    private final TranslationContext context;

    TlsPhase(TranslationContext context) {
        this.context = context;
    }

    @Override
    public void apply(ServedIngress served) {
        if (served.mode() == TlsModeAnnotation.PASSTHROUGH) {
            sslRedirectFor(served);
            return;
        }
        Ingress ingress = served.ingress();
        ObjectRef ref = served.ref();
        List<String> ruleHosts = new ArrayList<>();
        for (IngressRule rule : ingress.getSpec().getRules() == null ? List.<IngressRule>of() : ingress.getSpec().getRules()) {
            HostNames.valid(rule.getHost()).filter(host -> !host.equals(VirtualHost.ANY_HOST)).ifPresent(ruleHosts::add);
        }
        sslRedirectFor(served);
        for (IngressTLS tls : ingress.getSpec().getTls() == null ? List.<IngressTLS>of() : ingress.getSpec().getTls()) {
            // A TLS entry without hosts covers every host of the Ingress's rules.
            List<String> tlsHosts = tls.getHosts() == null || tls.getHosts().isEmpty() ? ruleHosts : tls.getHosts();
            for (String rawHost : tlsHosts) {
                Optional<String> host = HostNames.checked(context.problems, ref, rawHost);
                if (host.isEmpty() || host.get().equals(VirtualHost.ANY_HOST)) {
                    continue;
                }
                HostTable.Host builder = context.hosts.host(host.get());
                if (builder.mode == TlsModeAnnotation.PASSTHROUGH) {
                    continue;
                }
                if (builder.tls) {
                    if (pairedWithRsa(served, host.get(), builder, tls.getSecretName())) {
                        continue;
                    }
                    if (!java.util.Objects.equals(builder.tlsSecret, tls.getSecretName())) {
                        context.problems.warning(ref, "TlsConflict", "host " + host.get() + " already takes its certificate from "
                                + (builder.tlsSecret == null ? "the default certificate" : "secret " + builder.tlsSecret)
                                + " (older Ingress " + builder.tlsFrom + "); secret " + tls.getSecretName() + " is not used for it");
                    }
                    continue;
                }
                builder.tls = true;
                builder.tlsFrom = ref;
                builder.tlsSecret = tls.getSecretName();
                if (tls.getSecretName() != null) {
                    builder.certificate = context.secrets.certificateFor(ref, ClusterState.namespaceOf(ingress),
                            tls.getSecretName(), host.get()).orElse(null);
                }
            }
        }
    }

    /**
     * A second TLS entry of the same Ingress for a host: when one of its two Secrets holds an ECDSA
     * certificate and the other an RSA one, the host serves both (ECDSA to clients that take it).
     */
    private boolean pairedWithRsa(ServedIngress served, String host, HostTable.Host builder, String secret) {
        if (!served.ref().equals(builder.tlsFrom) || builder.rsaCertificate != null || builder.certificate == null
                || secret == null || builder.tlsSecret == null || secret.equals(builder.tlsSecret)) {
            return false;
        }
        String namespace = served.namespace();
        Optional<String> first = context.secrets.keyAlgorithm(namespace, builder.tlsSecret);
        Optional<String> second = context.secrets.keyAlgorithm(namespace, secret);
        boolean pair = first.isPresent() && second.isPresent() && !first.get().equals(second.get())
                && java.util.Set.of("EC", "RSA").containsAll(java.util.List.of(first.get(), second.get()));
        if (!pair) {
            return false;
        }
        Optional<String> certificate = context.secrets.certificateFor(served.ref(), namespace, secret, host);
        if (certificate.isEmpty()) {
            return true; // its problem is reported; the host keeps the first certificate alone
        }
        if (second.get().equals("RSA")) {
            builder.rsaCertificate = certificate.get();
        } else {
            builder.rsaCertificate = builder.certificate;
            builder.certificate = certificate.get();
        }
        return true;
    }

    /** The oldest Ingress naming a host with an ssl-redirect annotation decides it for the host. */
    private void sslRedirectFor(ServedIngress served) {
        Optional<Boolean> sslRedirect = served.annotations().get(IngressAnnotations.SSL_REDIRECT);
        IngressSpec spec = served.ingress().getSpec();
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            HostNames.valid(rule.getHost()).filter(host -> !host.equals(VirtualHost.ANY_HOST)).ifPresent(host -> {
                HostTable.Host builder = context.hosts.existing(host);
                if (sslRedirect.isPresent() && builder != null && builder.sslRedirect == null) {
                    builder.sslRedirect = sslRedirect.get();
                }
            });
        }
    }

}
