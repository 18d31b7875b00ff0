package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.ServerSslContexts.ServedCertificate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A snapshot's certificates for the compiler: those the last configuration built are taken from it;
 * the others are parsed and key-checked on every core before the compiler asks for them one at a
 * time, since a data plane starting at 10,000 TLS hosts has 10,000 chains and keys to read, about a
 * third of a millisecond each. Each result is its certificate's own: a bad one's problem is thrown
 * when the compiler asks for that certificate, as if it were built then.
 */
final class CertificatesAhead {

    /** Below this many new certificates, one at a time is as quick. */
    private static final int IN_PARALLEL_FROM = 32;

    private final Function<TlsCertificate, ServedCertificate> known;
    private final Function<TlsCertificate, ServedCertificate> build;
    private final Map<TlsCertificate, Object> built;

    private CertificatesAhead(Function<TlsCertificate, ServedCertificate> known,
                              Function<TlsCertificate, ServedCertificate> build, Map<TlsCertificate, Object> built) {
        this.known = known;
        this.build = build;
        this.built = built;
    }

    /**
     * @param known what the last configuration built for a certificate, or null
     * @param build parses and builds one (thread-safe), throwing {@link InvalidCertificateException}
     */
    static CertificatesAhead build(List<TlsCertificate> certificates, Function<TlsCertificate, ServedCertificate> known,
                                   Function<TlsCertificate, ServedCertificate> build) {
        List<TlsCertificate> unknown = certificates.stream()
                .filter(certificate -> !certificate.keepServing() && known.apply(certificate) == null)
                .toList();
        Map<TlsCertificate, Object> built = new ConcurrentHashMap<>();
        if (unknown.size() >= IN_PARALLEL_FROM) {
            unknown.parallelStream().forEach(certificate -> {
                try {
                    built.put(certificate, build.apply(certificate));
                } catch (InvalidCertificateException e) {
                    built.put(certificate, e);
                }
            });
        }
        return new CertificatesAhead(known, build, built);
    }

    /** The certificate as built before or ahead (a problem found ahead is thrown), else built now. */
    ServedCertificate get(TlsCertificate certificate) {
        ServedCertificate before = known.apply(certificate);
        if (before != null) {
            return before;
        }
        Object ahead = built.get(certificate);
        if (ahead instanceof InvalidCertificateException problem) {
            throw problem;
        }
        return ahead != null ? (ServedCertificate) ahead : build.apply(certificate);
    }
}
