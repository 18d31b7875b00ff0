package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.StapledSslContext;
import dev.portcullis.dataplane.tls.ServerContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The contexts one configuration serves with the OCSP response its certificate carries stapled: one
 * per certificate, shared by every place (host, RSA beside it, the default) that serves it, and
 * counted by those places, so that a configuration compiled from a delta starts from a copy of the
 * last one's, {@linkplain #release releases} what the touched hosts served and shares what stays. A
 * kept certificate (from an earlier snapshot) is served without a staple: this snapshot has none for it.
 */
final class StapledContexts {

    private final Map<String, TlsCertificate> certificates;
    private final Map<String, ServerContext> stapled;
    private final Map<String, Integer> uses;

    StapledContexts(Map<String, TlsCertificate> certificatesByName) {
        this.certificates = certificatesByName;
        this.stapled = new HashMap<>();
        this.uses = new HashMap<>();
    }

    /** A copy of {@code last}'s, for a snapshot whose certificate records are {@code certificatesByName}. */
    StapledContexts(StapledContexts last, Map<String, TlsCertificate> certificatesByName) {
        this.certificates = certificatesByName;
        this.stapled = new HashMap<>(last.stapled);
        this.uses = new HashMap<>(last.uses);
    }

    /** The context a place serves for this certificate: the stapled one when its record carries a staple. */
    ServerContext of(ServedCertificateOf servedOf) {
        ServerContext context = servedOf.served().tls();
        if (servedOf.origin() == Origin.KEPT || servedOf.origin() == Origin.NOTHING_TO_KEEP) {
            return context;
        }
        TlsCertificate certificate = certificates.get(servedOf.name());
        if (certificate == null || certificate.ocspResponse() == null) {
            return context;
        }
        String key = servedOf.served().contentKey();
        ServerContext known = stapled.get(key);
        if (known != null) {
            uses.merge(key, 1, Integer::sum);
            return known;
        }
        ServerContext wrapped = StapledSslContext.of(context, certificate.ocspResponse());
        if (wrapped != context) {
            stapled.put(key, wrapped);
            uses.put(key, 1);
        }
        return wrapped;
    }

    /** A place's context kept from the last configuration: shared again by places with the same certificate, and counted. */
    void kept(ServedCertificateOf servedOf, ServerContext context) {
        if (context != servedOf.served().tls()) {
            String key = servedOf.served().contentKey();
            stapled.putIfAbsent(key, context);
            uses.merge(key, 1, Integer::sum);
        }
    }

    /** A place no longer serves {@code context}, which {@link #of} or {@link #kept} gave or counted for it. */
    void release(ServedCertificateOf servedOf, ServerContext context) {
        String key = servedOf.served().contentKey();
        if (context != servedOf.served().tls() && uses.containsKey(key)
                && uses.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1) == null) {
            stapled.remove(key);
        }
    }

    /** How many served certificates have a staple. */
    int count() {
        return stapled.size();
    }
}
