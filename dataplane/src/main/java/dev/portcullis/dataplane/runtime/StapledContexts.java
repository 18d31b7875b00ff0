package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.runtime.ServedCertificateOf.Origin;
import dev.portcullis.dataplane.tls.StapledSslContext;
import dev.portcullis.dataplane.tls.ServerContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The contexts one snapshot serves, with the OCSP response its certificate carries stapled: one
 * per certificate, shared by every host that serves it. A kept certificate (from an earlier
 * snapshot) is served without a staple: this snapshot has none for it.
 */
final class StapledContexts {

    private final Map<String, TlsCertificate> certificates;
    private final Map<String, ServerContext> stapled = new HashMap<>();

    StapledContexts(Map<String, TlsCertificate> certificatesByName) {
        this.certificates = certificatesByName;
    }

    ServerContext of(ServedCertificateOf servedOf) {
        ServerContext context = servedOf.served().tls();
        if (servedOf.origin() == Origin.KEPT || servedOf.origin() == Origin.NOTHING_TO_KEEP) {
            return context;
        }
        TlsCertificate certificate = certificates.get(servedOf.name());
        if (certificate == null || certificate.ocspResponse() == null) {
            return context;
        }
        ServerContext known = stapled.get(servedOf.served().contentKey());
        if (known != null) {
            return known;
        }
        ServerContext wrapped = StapledSslContext.of(context, certificate.ocspResponse());
        if (wrapped != context) {
            stapled.put(servedOf.served().contentKey(), wrapped);
        }
        return wrapped;
    }

    /** A host's context kept from the last configuration: shared again by hosts with the same certificate, and counted. */
    void kept(ServedCertificateOf servedOf, ServerContext context) {
        if (context != servedOf.served().tls()) {
            stapled.putIfAbsent(servedOf.served().contentKey(), context);
        }
    }

    /** How many served certificates have a staple. */
    int count() {
        return stapled.size();
    }
}
