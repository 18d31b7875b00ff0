package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.PemParser;
import dev.portcullis.operator.translate.TlsSecretParser.Parsed;
import io.fabric8.kubernetes.api.model.Secret;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which certificate each use of a TLS Secret gets in one translation: a host's
 * ({@code spec.tls}), a DataPlane's default certificate, a client certificate shown to pods, a CA
 * bundle. Reading the Secret is {@link TlsSecretParser}'s job, standing in for a broken one
 * {@link LastGoodCertificates}', and the wording of problems {@link CertificateProblems}'. A Secret
 * that fails keeps the last certificate that was good for the host; a host that never had one is
 * left on the default certificate. An expired or not yet valid certificate is served anyway unless
 * a good one was served before. Either way a problem says why.
 */
final class TlsSecretValidator {

    private final Instant now;
    private final TlsSecretParser parser;
    private final CertificateProblems wording;
    private final LastGoodCertificates lastGood;
    private final Set<String> used = new HashSet<>();

    private final Attribution attribution;
    private final TimeBoundary timeBoundary;

    TlsSecretValidator(ClusterState state, Instant now, Problems problems, ParsedSecrets cache, Attribution attribution,
                       TimeBoundary timeBoundary) {
        this.now = now;
        this.parser = new TlsSecretParser(state, cache);
        this.wording = new CertificateProblems(problems);
        this.lastGood = new LastGoodCertificates(cache, wording, attribution);
        this.attribution = attribution;
        this.timeBoundary = timeBoundary;
    }

    /** Whether the certificate is within its dates now; the answer changes at either of them. */
    private boolean validNow(Parsed parsed) {
        timeBoundary.dates(parsed.notBefore(), parsed.notAfter());
        return parsed.validAt(now);
    }

    /**
     * The certificate's name for the host, or empty for the default certificate. A Secret that
     * breaks (no longer parses, wrong type, stops covering the host, or is edited to a certificate
     * out of its dates) keeps the last certificate that was good for the host, with a warning; only
     * a host that never had a good one falls back to the default certificate.
     */
    Optional<String> certificateFor(ObjectRef ingress, String namespace, String secretName, String host) {
        String key = namespace + "/" + secretName;
        Parsed parsed = parser.read(namespace, secretName, true);
        String purpose = key + " for " + host;
        String failure = parsed.failure();
        String reason = parsed.reason();
        if (failure == null && !TlsSecretParser.covers(parsed.dnsNames(), host)) {
            reason = "CertificateHostMismatch";
            failure = wording.doesNotCover(key, host, parsed.dnsNames());
        }
        if (failure != null) {
            String standIn = parser.exists(namespace, secretName)
                    ? lastGood.whenBroken(ingress, key, purpose, reason, failure, host, "the default certificate", true) : null;
            if (standIn != null) {
                return Optional.of(standIn);
            }
            wording.hostOnDefault(ingress, reason, failure, host);
            return Optional.empty();
        }
        if (validNow(parsed)) {
            lastGood.good(purpose, parsed);
        } else {
            Parsed kept = lastGood.lastGood(purpose);
            if (kept != null && kept != parsed && validNow(kept)) {
                boolean expired = now.isAfter(parsed.notAfter());
                return Optional.of(lastGood.keep(ingress, kept, expired ? "CertificateExpired" : "CertificateNotYetValid",
                        expired ? wording.expired(key, parsed) : wording.notYetValid(key, parsed), host, true));
            }
        }
        timeBoundary.hoursLeft(parsed.notAfter(), EXPIRY_WARNING);
        if (now.isAfter(parsed.notAfter())) {
            wording.hostExpired(ingress, key, host, parsed);
        } else if (now.isBefore(parsed.notBefore())) {
            wording.hostNotYetValid(ingress, key, host, parsed);
        } else if (now.plus(EXPIRY_WARNING).isAfter(parsed.notAfter())) {
            wording.hostExpiresSoon(ingress, key, host, parsed, java.time.Duration.between(now, parsed.notAfter()));
        }
        wording.weakKey(ingress, key, parsed);
        use(ingress, parsed);
        return Optional.of(parsed.certificate().name());
    }

    /** The certificate goes into the snapshot, for {@code by}. */
    private void use(ObjectRef by, Parsed parsed) {
        used.add(parsed.certificate().name());
        attribution.certificate(by, parsed.certificate().name());
    }

    /** How many times a Secret was looked up so far in this translation. */
    int secretReads() {
        return parser.reads();
    }

    /** How long before a served certificate expires the Ingress gets a warning. */
    static final java.time.Duration EXPIRY_WARNING = java.time.Duration.ofDays(14);

    /** How many hosts (and default certificates) this translation serves with a kept last good certificate. */
    int keptCount() {
        return lastGood.count();
    }

    /**
     * The client certificate shown to pods (re-encryption), or empty with a problem when the Secret
     * cannot serve as one.
     */
    Optional<String> clientCertificate(ObjectRef ingress, String namespace, String secretName, String annotation,
                                       boolean requireTlsType) {
        String key = namespace + "/" + secretName;
        Parsed parsed = parser.read(namespace, secretName, requireTlsType);
        if (parsed.failure() != null) {
            wording.clientCertificateUnusable(ingress, parsed.reason(), parsed.failure(), annotation);
            return Optional.empty();
        }
        timeBoundary.at(parsed.notAfter().plusNanos(1));
        if (now.isAfter(parsed.notAfter())) {
            wording.clientCertificateExpired(ingress, key, parsed);
        }
        use(ingress, parsed);
        return Optional.of(parsed.certificate().name());
    }

    /**
     * A DataPlane's default certificate (a {@code kubernetes.io/tls} Secret), or empty with a problem
     * on the DataPlane: the generated default certificate is then served.
     */
    Optional<String> defaultCertificate(ObjectRef dataPlane, String namespace, String secretName, boolean served) {
        String key = namespace + "/" + secretName;
        Parsed parsed = parser.read(namespace, secretName, true);
        String purpose = key + " as the default certificate of " + dataPlane;
        if (parsed.failure() != null) {
            String standIn = parser.exists(namespace, secretName) ? lastGood.whenBroken(dataPlane, key, purpose, parsed.reason(),
                    parsed.failure(), "the default certificate", "the generated default certificate", served) : null;
            if (standIn != null) {
                return Optional.of(standIn);
            }
            wording.defaultUnusable(dataPlane, parsed.reason(), parsed.failure());
            return Optional.empty();
        }
        if (validNow(parsed)) {
            lastGood.good(purpose, parsed);
        } else {
            Parsed kept = lastGood.lastGood(purpose);
            if (kept != null && kept != parsed && validNow(kept)) {
                return Optional.of(lastGood.keep(dataPlane, kept, "CertificateExpired", wording.defaultOutOfDates(key, parsed),
                        "the default certificate", served));
            }
        }
        timeBoundary.at(parsed.notAfter().plusNanos(1));
        if (now.isAfter(parsed.notAfter())) {
            wording.defaultExpired(dataPlane, key, parsed);
        }
        wording.weakKey(dataPlane, key, parsed);
        if (served) {
            use(dataPlane, parsed);
        }
        return Optional.of(parsed.certificate().name());
    }

    /** The {@code ca.crt} of a Secret, checked to hold certificates; empty with a problem otherwise. */
    Optional<String> caBundle(ObjectRef ingress, String namespace, String secretName, String annotation) {
        String key = namespace + "/" + secretName;
        if (!parser.exists(namespace, secretName)) {
            wording.caBundleSecretMissing(ingress, key, annotation);
            return Optional.empty();
        }
        Secret secret = parser.secret(namespace, secretName);
        try {
            String pem = TlsSecretParser.value(secret, "ca.crt");
            if (pem == null) {
                wording.caBundleKeyMissing(ingress, key, annotation);
                return Optional.empty();
            }
            PemParser.certificates(pem);
            return Optional.of(pem);
        } catch (IllegalArgumentException | InvalidCertificateException e) {
            wording.caBundleInvalid(ingress, key, annotation, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The Secret's {@code ca.crl} (PEM CRLs), when it has one: empty when it has none; {@code null}
     * when it has one that does not parse (a problem says so, and the Ingress must not be served
     * without the revocations it asked for).
     */
    Optional<String> crl(ObjectRef ingress, String namespace, String secretName, String annotation) {
        Secret secret = parser.secret(namespace, secretName);
        String pem;
        try {
            pem = secret == null ? null : TlsSecretParser.value(secret, "ca.crl");
        } catch (IllegalArgumentException e) {
            pem = "";
        }
        if (pem == null) {
            return Optional.empty();
        }
        try {
            dev.portcullis.dataplane.tls.ClientCertificateVerifier.of(
                    new dev.portcullis.dataplane.config.ClientAuth(null, null, pem, 1, false, null));
            return Optional.of(pem);
        } catch (InvalidCertificateException e) {
            wording.crlInvalid(ingress, namespace + "/" + secretName, annotation, e.getMessage());
            return null;
        }
    }

    /** The key algorithm ("EC", "RSA") of a TLS Secret's certificate, or empty when it does not parse. */
    Optional<String> keyAlgorithm(String namespace, String secretName) {
        TlsSecretParser.Parsed parsed = parser.read(namespace, secretName, true);
        return parsed.failure() != null ? Optional.empty() : Optional.of(parsed.leaf().keyAlgorithm());
    }

    /** Whether the Secret has a key at all (ingress-nginx's proxy-ssl-secret may hold only a CA). */
    boolean hasKey(String namespace, String secretName, String key) {
        Secret secret = parser.secret(namespace, secretName);
        return secret != null && ((secret.getData() != null && secret.getData().containsKey(key))
                || (secret.getStringData() != null && secret.getStringData().containsKey(key)));
    }

    /** Every certificate in use (serving a host or shown to pods), by name; then kept ones and markers. */
    List<TlsCertificate> certificates() {
        List<TlsCertificate> all = new ArrayList<>(parser.certificates().stream()
                .filter(certificate -> used.contains(certificate.name())).toList());
        all.addAll(lastGood.certificates());
        return all;
    }
}
