package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.KeyMaterial;
import dev.portcullis.dataplane.tls.PemParser;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks the TLS Secret an Ingress names for a host: type {@code kubernetes.io/tls}, {@code tls.crt}
 * and {@code tls.key} that parse, a key that matches the leaf, a chain in order, a leaf that covers
 * the host, and its validity dates. A Secret that fails keeps the last certificate that was good
 * for the host (remembered by {@link ParsedSecrets}); a host that never had one is left on the
 * default certificate. An expired or not yet valid certificate is served anyway unless a good one
 * was served before. Either way a problem says why.
 */
final class TlsSecretValidator {

    static final String TLS_TYPE = "kubernetes.io/tls";

    record Parsed(TlsCertificate certificate, KeyMaterial material, String failure, String reason, String type) {
    }

    private final ClusterState state;
    private final Instant now;
    private final Problems problems;
    private final Map<String, Parsed> bySecret = new TreeMap<>();
    private final java.util.Set<String> used = new java.util.TreeSet<>();
    private final ParsedSecrets cache;
    private final Map<String, TlsCertificate> keptCertificates = new TreeMap<>();
    private final java.util.Set<String> keptFor = new java.util.TreeSet<>();

    TlsSecretValidator(ClusterState state, Instant now, Problems problems, ParsedSecrets cache) {
        this.cache = cache;
        this.state = state;
        this.now = now;
        this.problems = problems;
    }

    /**
     * The certificate's name for the host, or empty for the default certificate. A Secret that
     * breaks (no longer parses, wrong type, stops covering the host, or is edited to a certificate
     * out of its dates) keeps the last certificate that was good for the host, with a warning; only
     * a host that never had a good one falls back to the default certificate.
     */
    Optional<String> certificateFor(ObjectRef ingress, String namespace, String secretName, String host) {
        String key = namespace + "/" + secretName;
        Parsed parsed = bySecret.computeIfAbsent(key, name -> parse(namespace, secretName));
        if (parsed.failure() == null && !TLS_TYPE.equals(parsed.type())) {
            parsed = wrongType(key, parsed.type());
        }
        String memory = key + " for " + host;
        String failure = parsed.failure();
        String reason = parsed.reason();
        if (failure == null && !covers(parsed.material().leaf(), host)) {
            reason = "CertificateHostMismatch";
            failure = "the certificate in secret " + key + " does not cover " + host + " (it names "
                    + dnsNames(parsed.material().leaf()) + ")";
        }
        boolean secretExists = state.secret(namespace, secretName).isPresent();
        if (failure != null) {
            Parsed kept = secretExists ? cache.lastGood(memory) : null;
            if (kept != null) {
                return Optional.of(keep(ingress, kept, reason, failure, host, true));
            }
            problems.error(ingress, reason, failure + "; " + host + " is served with the default certificate");
            return Optional.empty();
        }
        X509Certificate leaf = parsed.material().leaf();
        if (withinDates(leaf)) {
            cache.good(memory, parsed);
        } else {
            Parsed kept = cache.lastGood(memory);
            if (kept != null && kept != parsed && withinDates(kept.material().leaf())) {
                String why = now.isAfter(leaf.getNotAfter().toInstant())
                        ? "the certificate in secret " + key + " expired at " + leaf.getNotAfter().toInstant()
                        : "the certificate in secret " + key + " is valid only from " + leaf.getNotBefore().toInstant();
                return Optional.of(keep(ingress, kept, now.isAfter(leaf.getNotAfter().toInstant())
                        ? "CertificateExpired" : "CertificateNotYetValid", why, host, true));
            }
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            problems.warning(ingress, "CertificateExpired", "the certificate in secret " + key + " for " + host
                    + " expired at " + leaf.getNotAfter().toInstant() + "; it is served until it is renewed");
        } else if (now.isBefore(leaf.getNotBefore().toInstant())) {
            problems.warning(ingress, "CertificateNotYetValid", "the certificate in secret " + key + " for " + host
                    + " is valid only from " + leaf.getNotBefore().toInstant() + "; clients reject it until then");
        }
        weakKeyWarning(ingress, key, leaf);
        used.add(parsed.certificate().name());
        return Optional.of(parsed.certificate().name());
    }

    /**
     * Serves the last good certificate of a Secret that broke: under a name of its own (another host
     * may be served the Secret's new content), with a warning that says what broke.
     */
    private String keep(ObjectRef object, Parsed kept, String reason, String failure, String servedAs, boolean served) {
        X509Certificate leaf = kept.material().leaf();
        TlsCertificate certificate = kept.certificate();
        String name = certificate.name() + " (last good, serial " + leaf.getSerialNumber().toString(16) + ")";
        if (served) {
            keptCertificates.putIfAbsent(name, new TlsCertificate(name, certificate.certificateChainPem(), certificate.privateKeyPem()));
            keptFor.add(servedAs);
        }
        problems.warning(object, "LastGoodCertificateKept", failure + " (" + reason + "); " + servedAs
                + " keeps the last good certificate of this secret (serial " + leaf.getSerialNumber().toString(16)
                + ", valid until " + leaf.getNotAfter().toInstant() + ") until it is fixed");
        return name;
    }

    private boolean withinDates(X509Certificate leaf) {
        return !now.isAfter(leaf.getNotAfter().toInstant()) && !now.isBefore(leaf.getNotBefore().toInstant());
    }

    /** RSA keys under 2048 bits fail every current audit (and some clients refuse them). */
    private void weakKeyWarning(ObjectRef object, String key, X509Certificate leaf) {
        if (leaf.getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            problems.warning(object, "WeakKey", "the certificate in secret " + key + " has a " + rsa.getModulus().bitLength()
                    + "-bit RSA key; use at least 2048 bits (or an ECDSA P-256 key)");
        }
    }

    /** How many hosts (and default certificates) this translation serves with a kept last good certificate. */
    int keptCount() {
        return keptFor.size();
    }

    /**
     * The client certificate shown to pods (re-encryption), or empty with a problem when the Secret
     * cannot serve as one.
     */
    Optional<String> clientCertificate(ObjectRef ingress, String namespace, String secretName, String annotation,
                                       boolean requireTlsType) {
        String key = namespace + "/" + secretName;
        Parsed parsed = bySecret.computeIfAbsent(key, name -> parse(namespace, secretName));
        if (parsed.failure() == null && requireTlsType && !TLS_TYPE.equals(parsed.type())) {
            parsed = wrongType(key, parsed.type());
        }
        if (parsed.failure() != null) {
            problems.error(ingress, parsed.reason(), parsed.failure() + " (" + annotation + "); this Ingress is not served until it is fixed");
            return Optional.empty();
        }
        X509Certificate leaf = parsed.material().leaf();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            problems.warning(ingress, "CertificateExpired", "the client certificate in secret " + key + " expired at "
                    + leaf.getNotAfter().toInstant() + "; pods that check it will refuse the proxy");
        }
        used.add(parsed.certificate().name());
        return Optional.of(parsed.certificate().name());
    }

    /**
     * A DataPlane's default certificate (a {@code kubernetes.io/tls} Secret), or empty with a problem
     * on the DataPlane: the generated default certificate is then served.
     */
    Optional<String> defaultCertificate(ObjectRef dataPlane, String namespace, String secretName, boolean served) {
        String key = namespace + "/" + secretName;
        Parsed parsed = bySecret.computeIfAbsent(key, name -> parse(namespace, secretName));
        if (parsed.failure() == null && !TLS_TYPE.equals(parsed.type())) {
            parsed = wrongType(key, parsed.type());
        }
        String memory = key + " as the default certificate of " + dataPlane;
        if (parsed.failure() != null) {
            Parsed kept = state.secret(namespace, secretName).isPresent() ? cache.lastGood(memory) : null;
            if (kept != null) {
                return Optional.of(keep(dataPlane, kept, parsed.reason(), parsed.failure(), "the default certificate", served));
            }
            problems.error(dataPlane, parsed.reason(), parsed.failure() + " (spec.tls.defaultCertificateSecret); clients"
                    + " whose SNI names no host get the generated default certificate until it is fixed");
            return Optional.empty();
        }
        X509Certificate leaf = parsed.material().leaf();
        if (withinDates(leaf)) {
            cache.good(memory, parsed);
        } else {
            Parsed kept = cache.lastGood(memory);
            if (kept != null && kept != parsed && withinDates(kept.material().leaf())) {
                return Optional.of(keep(dataPlane, kept, "CertificateExpired", "the default certificate in secret "
                        + key + " is out of its dates (" + leaf.getNotBefore().toInstant() + " to "
                        + leaf.getNotAfter().toInstant() + ")", "the default certificate", served));
            }
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            problems.warning(dataPlane, "CertificateExpired", "the default certificate in secret " + key + " expired at "
                    + leaf.getNotAfter().toInstant() + "; it is served until it is renewed");
        }
        weakKeyWarning(dataPlane, key, leaf);
        if (served) {
            used.add(parsed.certificate().name());
        }
        return Optional.of(parsed.certificate().name());
    }

    /** The {@code ca.crt} of a Secret, checked to hold certificates; empty with a problem otherwise. */
    Optional<String> caBundle(ObjectRef ingress, String namespace, String secretName, String annotation) {
        String key = namespace + "/" + secretName;
        Optional<Secret> found = state.secret(namespace, secretName);
        if (found.isEmpty()) {
            problems.error(ingress, "SecretNotFound", "secret " + key + " (" + annotation
                    + ") does not exist; this Ingress is not served until it does");
            return Optional.empty();
        }
        try {
            String pem = value(found.get(), "ca.crt");
            if (pem == null) {
                problems.error(ingress, "SecretMissingKey", "secret " + key + " (" + annotation
                        + ") has no ca.crt; this Ingress is not served until it does");
                return Optional.empty();
            }
            PemParser.certificates(pem);
            return Optional.of(pem);
        } catch (IllegalArgumentException | InvalidCertificateException e) {
            problems.error(ingress, "SecretInvalid", "secret " + key + " (" + annotation + "): ca.crt: " + e.getMessage()
                    + "; this Ingress is not served until it is fixed");
            return Optional.empty();
        }
    }

    /** Whether the Secret has a key at all (ingress-nginx's proxy-ssl-secret may hold only a CA). */
    boolean hasKey(String namespace, String secretName, String key) {
        return state.secret(namespace, secretName).map(secret ->
                (secret.getData() != null && secret.getData().containsKey(key))
                        || (secret.getStringData() != null && secret.getStringData().containsKey(key))).orElse(false);
    }

    /** Every certificate in use (serving a host or shown to pods), by name. */
    List<TlsCertificate> certificates() {
        List<TlsCertificate> all = new java.util.ArrayList<>(bySecret.values().stream().filter(parsed -> parsed.certificate() != null)
                .map(Parsed::certificate).filter(certificate -> used.contains(certificate.name())).toList());
        all.addAll(keptCertificates.values());
        return all;
    }

    private Parsed parse(String namespace, String secretName) {
        String key = namespace + "/" + secretName;
        Optional<Secret> found = state.secret(namespace, secretName);
        if (found.isEmpty()) {
            return failed("SecretNotFound", "secret " + key + " does not exist");
        }
        Secret secret = found.get();
        return cache.get(namespace, secretName, secret, () -> parse(key, secret));
    }

    private Parsed parse(String key, Secret secret) {
        String chain;
        String privateKey;
        try {
            chain = value(secret, "tls.crt");
            privateKey = value(secret, "tls.key");
        } catch (IllegalArgumentException e) {
            return failed("SecretInvalid", "secret " + key + ": " + e.getMessage());
        }
        if (chain == null || privateKey == null) {
            return failed("SecretMissingKey", "secret " + key + " needs both tls.crt and tls.key");
        }
        KeyMaterial material;
        try {
            material = PemParser.parse(chain, privateKey);
        } catch (InvalidCertificateException e) {
            return failed("SecretInvalid", "secret " + key + ": " + e.getMessage());
        }
        String order = chainOrderProblem(material.chain());
        if (order != null) {
            return failed("CertificateChainOrder", "secret " + key + ": " + order);
        }
        return new Parsed(new TlsCertificate(key, chain, privateKey), material, null, null, secret.getType());
    }

    private static Parsed failed(String reason, String message) {
        return new Parsed(null, null, message, reason, null);
    }

    private static Parsed wrongType(String key, String type) {
        return failed("SecretWrongType", "secret " + key + (type == null ? " has no type" : " is of type " + type)
                + ", not " + TLS_TYPE);
    }

    /** {@code data} is base64 as the API stores it; {@code stringData} is plain text, as manifests may write it. */
    private static String value(Secret secret, String key) {
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            return secret.getStringData().get(key);
        }
        if (secret.getData() != null && secret.getData().get(key) != null) {
            try {
                return new String(Base64.getMimeDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " is not valid base64");
            }
        }
        return null;
    }

    /** Each certificate must be issued (and signed) by the one after it: leaf first, then intermediates. */
    private static String chainOrderProblem(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            boolean issuedByNext = certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
            if (issuedByNext) {
                try {
                    certificate.verify(issuer.getPublicKey());
                } catch (GeneralSecurityException e) {
                    issuedByNext = false;
                }
            }
            if (!issuedByNext) {
                return "tls.crt is out of order: certificate " + (i + 1) + " (" + certificate.getSubjectX500Principal()
                        + ") is not signed by certificate " + (i + 2) + " (" + issuer.getSubjectX500Principal()
                        + "); list the leaf first, then each issuer";
            }
        }
        return null;
    }

    static boolean covers(X509Certificate leaf, String host) {
        for (String name : dnsNames(leaf)) {
            String san = name.toLowerCase(java.util.Locale.ROOT);
            if (san.equals(host)) {
                return true;
            }
            if (san.startsWith("*.") && !host.startsWith("*.")) {
                int dot = host.indexOf('.');
                if (dot > 0 && host.substring(dot + 1).equals(san.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> dnsNames(X509Certificate leaf) {
        try {
            if (leaf.getSubjectAlternativeNames() == null) {
                return List.of();
            }
            return leaf.getSubjectAlternativeNames().stream()
                    .filter(entry -> Integer.valueOf(2).equals(entry.get(0)))
                    .map(entry -> entry.get(1).toString())
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
