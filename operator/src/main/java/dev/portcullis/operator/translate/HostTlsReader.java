package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.ClientAuth;
import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.TlsPolicy;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.SecretRef;
import dev.portcullis.operator.annotation.TlsModeAnnotation;
import dev.portcullis.operator.annotation.TlsPolicyAnnotations;

import java.util.List;
import java.util.Optional;

/**
 * What an Ingress's annotations ask of its hosts' TLS: client-certificate authentication (its CA
 * and CRL from a Secret of the Ingress's namespace), the lowest version, the TLS 1.2 suites, HSTS.
 * Client authentication restricts access, so anything that keeps it from being applied as asked
 * (a missing or bad CA or CRL, a passthrough Ingress) leaves the Ingress out, never serves it open.
 */
final class HostTlsReader {

    /** A host's TLS as one Ingress asks for it; {@code policy} and {@code hsts} are {@code null} where it asks nothing. */
    record HostTls(TlsPolicy policy, Hsts hsts) {
        static final HostTls NONE = new HostTls(null, null);
    }

    private final TranslationContext context;

    HostTlsReader(TranslationContext context) {
        this.context = context;
    }

    /** Empty when the Ingress cannot be served as written (a problem says why). */
    Optional<HostTls> read(ObjectRef ref, String namespace, IngressAnnotations annotations, TlsModeAnnotation mode) {
        Optional<ClientAuth> clientAuth = clientAuth(ref, namespace, annotations, mode);
        if (clientAuth == null) {
            return Optional.empty();
        }
        String minTls = annotations.get(IngressAnnotations.MIN_TLS_VERSION).orElse(null);
        List<String> ciphers = annotations.get(IngressAnnotations.CIPHERS).orElse(null);
        Hsts hsts = annotations.get(IngressAnnotations.HSTS).orElse(null);
        if (mode == TlsModeAnnotation.PASSTHROUGH) {
            for (AnnotationParser<?> parser : List.of(IngressAnnotations.MIN_TLS_VERSION, IngressAnnotations.CIPHERS,
                    IngressAnnotations.HSTS)) {
                if (annotations.get(parser).isPresent()) {
                    context.problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser)
                            + " is ignored: a passthrough host's TLS is its pods' own");
                }
            }
            return Optional.of(HostTls.NONE);
        }
        TlsPolicy policy = new TlsPolicy(minTls, ciphers, clientAuth.orElse(null));
        return Optional.of(new HostTls(policy.isDefault() ? null : policy, hsts));
    }

    /** Empty for none asked; {@code null} when what is asked cannot be applied (the Ingress is then left out). */
    private Optional<ClientAuth> clientAuth(ObjectRef ref, String namespace, IngressAnnotations annotations,
                                            TlsModeAnnotation mode) {
        Optional<SecretRef> secret = annotations.get(IngressAnnotations.CLIENT_AUTH_SECRET);
        Optional<ClientAuth.Mode> asked = annotations.get(IngressAnnotations.CLIENT_AUTH)
                .or(() -> annotations.get(IngressAnnotations.NGINX_VERIFY_CLIENT)
                        .filter(value -> !value.equals(TlsPolicyAnnotations.CLIENT_AUTH_OFF))
                        .map(value -> ClientAuth.Mode.valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'))));
        boolean off = annotations.get(IngressAnnotations.CLIENT_AUTH).isEmpty()
                && annotations.get(IngressAnnotations.NGINX_VERIFY_CLIENT).filter(TlsPolicyAnnotations.CLIENT_AUTH_OFF::equals).isPresent();
        if (off || (secret.isEmpty() && asked.isEmpty())) {
            for (AnnotationParser<?> parser : List.of(IngressAnnotations.CLIENT_AUTH_DEPTH,
                    IngressAnnotations.CLIENT_AUTH_PASS_CERTIFICATE, IngressAnnotations.CLIENT_AUTH_ERROR_PAGE)) {
                if (annotations.get(parser).isPresent()) {
                    context.problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser) + " is ignored:"
                            + (off ? " auth-tls-verify-client is off" : " no client-auth-secret asks for client certificates"));
                }
            }
            return Optional.empty();
        }
        String source = secret.isPresent() ? annotations.sourceOf(IngressAnnotations.CLIENT_AUTH_SECRET)
                : annotations.sourceOf(IngressAnnotations.CLIENT_AUTH);
        if (mode == TlsModeAnnotation.PASSTHROUGH) {
            context.problems.error(ref, "ClientAuthOnPassthrough", source + " asks for client certificates, but a"
                    + " passthrough Ingress relays the client's TLS to the pods unread, so Portcullis cannot check them;"
                    + " this Ingress is left out rather than served without the check (let the pods ask, or terminate TLS)");
            return null;
        }
        ClientAuth.Mode clientMode = asked.orElse(ClientAuth.Mode.REQUIRED);
        String caPem = null;
        String crlPem = null;
        if (secret.isPresent()) {
            if (secret.get().namespace() != null && !secret.get().namespace().equals(namespace)) {
                context.problems.error(ref, "CrossNamespaceSecret", source + " names secret " + secret.get()
                        + " in another namespace; only Secrets in the Ingress's own namespace (" + namespace
                        + ") are used. This Ingress is not served");
                return null;
            }
            Optional<String> ca = context.secrets.caBundle(ref, namespace, secret.get().name(), source);
            if (ca.isEmpty()) {
                return null;
            }
            Optional<String> crl = context.secrets.crl(ref, namespace, secret.get().name(), source);
            if (crl == null) {
                return null;
            }
            caPem = ca.get();
            crlPem = crl.orElse(null);
        } else if (clientMode != ClientAuth.Mode.OPTIONAL_NO_CA) {
            context.problems.error(ref, "ClientAuthWithoutCa", source + " is " + clientMode.name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-') + " but no client-auth-secret names the CAs to verify with; this Ingress is not"
                    + " served until one does");
            return null;
        }
        return Optional.of(new ClientAuth(clientMode, caPem, crlPem,
                annotations.get(IngressAnnotations.CLIENT_AUTH_DEPTH).orElse(ClientAuth.DEFAULT_DEPTH),
                annotations.get(IngressAnnotations.CLIENT_AUTH_PASS_CERTIFICATE).orElse(false),
                annotations.get(IngressAnnotations.CLIENT_AUTH_ERROR_PAGE).orElse(null)));
    }
}
