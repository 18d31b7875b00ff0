package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.HandshakePolicy;
import dev.portcullis.dataplane.tls.ServerSslContexts;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Builds the TLS contexts of a snapshot's new certificates on every core before the compile asks
 * for them one at a time: parsing a key and building a context costs one to two milliseconds, so a
 * data plane's first snapshot at 10,000 certificates spent most of its apply here on one thread.
 * The contexts land in {@link ServerSslContexts}' cache, where the compile finds them; a
 * certificate that fails is left for the compile, which reports it as before.
 */
final class CertificatePrebuild {

    /** Below this many new certificates, one thread is as quick. */
    static final int FROM = 64;

    private CertificatePrebuild() {
    }

    static void build(Collection<TlsCertificate> certificates, Predicate<TlsCertificate> known, ServerSslContexts contexts,
                      HandshakePolicy policy) {
        List<TlsCertificate> missing = certificates.stream()
                .filter(certificate -> !certificate.keepServing() && !known.test(certificate))
                .toList();
        if (missing.size() < FROM) {
            return;
        }
        missing.parallelStream().forEach(certificate -> {
            try {
                contexts.fromPem(certificate.certificateChainPem(), certificate.privateKeyPem(), policy);
            } catch (RuntimeException e) {
                // Reported by the compile, which builds it again on its own thread.
            }
        });
    }
}
