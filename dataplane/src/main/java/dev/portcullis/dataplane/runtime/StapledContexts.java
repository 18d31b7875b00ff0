package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.StapledSslContext;
import io.netty.handler.ssl.SslContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The contexts one snapshot serves, with the OCSP response its certificate carries stapled: one
 * per certificate, shared by every host that serves it. A kept certificate (from an earlier
 * snapshot) is served without a staple: this snapshot has none for it.
 */
final class StapledContexts {

    private final Map<String, TlsCertificate> certificates;
    private final Map<String, SslContext> stapled = new HashMap<>();

    StapledContexts(Map<String, TlsCertificate> certificatesByName) {
        this.certificates = certificatesByName;
    }

    SslContext of(ServedCertificateOf servedOf) {
        SslContext context = servedOf.served().context();
        if (servedOf.origin() == Origin.KEPT || servedOf.origin() == Origin.NOTHING_TO_KEEP) {
            return context;
        }
        TlsCertificate certificate = certificates.get(servedOf.name());
        if (certificate == null || certificate.ocspResponse() == null) {
            return context;
        }
        return stapled.computeIfAbsent(servedOf.served().contentKey(),
                unused -> StapledSslContext.of(context, certificate.ocspResponse()));
    }

    /** A host's context kept from the last configuration: shared again by hosts with the same certificate, and counted. */
    void kept(ServedCertificateOf servedOf, SslContext context) {
        if (context != servedOf.served().context()) {
            stapled.putIfAbsent(servedOf.served().contentKey(), context);
        }
    }

    /** How many served certificates have a staple. */
    int count() {
        return (int) stapled.values().stream().filter(StapledSslContext.class::isInstance).count();
    }
}
