package dev.portcullis.operator.translate;

import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.InvalidCertificateException;
import dev.portcullis.dataplane.tls.KeyMaterial;
import dev.portcullis.dataplane.tls.PemParser;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the TLS Secrets of one translation: type, {@code tls.crt} and {@code tls.key} that parse, a
 * key that matches the leaf, a chain in order; and which host names a leaf covers. Each Secret once
 * per translation, and once per content across translations ({@link ParsedSecrets}). It says what
 * is wrong, never what to do about it.
 */
final class TlsSecretParser {

    static final String TLS_TYPE = "kubernetes.io/tls";

    /** A Secret read: its certificate and key material, or a failure with its problem reason. */
    record Parsed(TlsCertificate certificate, Leaf leaf, String failure, String reason, String type,
                  List<String> dnsNames, java.time.Instant notBefore, java.time.Instant notAfter) {

        /** Whether the leaf is within its dates at {@code now} (read once per content, asked per host per translation). */
        boolean validAt(java.time.Instant now) {
            return !now.isAfter(notAfter) && !now.isBefore(notBefore);
        }
    }

    /**
     * What translation reads of a parsed leaf beyond its names and dates. The parsed certificates
     * and key are let go: kept for every Secret, they were about 5 KB each of the operator's heap.
     */
    record Leaf(java.math.BigInteger serialNumber, String keyAlgorithm, int rsaKeyBits) {

        static Leaf of(X509Certificate leaf) {
            return new Leaf(leaf.getSerialNumber(), leaf.getPublicKey().getAlgorithm(),
                    leaf.getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa ? rsa.getModulus().bitLength() : 0);
        }
    }

    private final ClusterState state;
    private final ParsedSecrets cache;
    private final Map<String, Parsed> bySecret = new HashMap<>();
    private int reads;

    TlsSecretParser(ClusterState state, ParsedSecrets cache) {
        this.state = state;
        this.cache = cache;
    }

    /** The Secret read; when {@code requireTlsType}, one of another type is a failure. */
    Parsed read(String namespace, String secretName, boolean requireTlsType) {
        reads++;
        String key = namespace + "/" + secretName;
        Parsed parsed = bySecret.computeIfAbsent(key, name -> parse(namespace, secretName));
        if (parsed.failure() == null && requireTlsType && !TLS_TYPE.equals(parsed.type())) {
            return wrongType(key, parsed.type());
        }
        return parsed;
    }

    boolean exists(String namespace, String secretName) {
        reads++;
        return state.secret(namespace, secretName).isPresent();
    }

    /** The Secret itself, or null when it does not exist. */
    Secret secret(String namespace, String secretName) {
        reads++;
        return state.secret(namespace, secretName).orElse(null);
    }

    /** How many times a Secret was looked up so far: whether a piece of translation depended on one. */
    int reads() {
        return reads;
    }

    /** Every Secret read in this translation that holds a certificate. */
    List<TlsCertificate> certificates() {
        return bySecret.values().stream().map(Parsed::certificate).filter(java.util.Objects::nonNull)
                .sorted(java.util.Comparator.comparing(TlsCertificate::name)).toList();
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

    /** Parses ahead, in parallel, the Secrets that our Ingresses' TLS sections name and the memo does not know. */
    static void parseAhead(List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> ours, ClusterState state, ParsedSecrets cache) {
        java.util.Set<Secret> named = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (var ingress : ours) {
            if (ingress.getSpec().getTls() == null) {
                continue;
            }
            String namespace = ClusterState.namespaceOf(ingress);
            for (var tls : ingress.getSpec().getTls()) {
                if (tls.getSecretName() != null) {
                    state.secret(namespace, tls.getSecretName()).ifPresent(named::add);
                }
            }
        }
        cache.parseAhead(named, secret -> parse(ClusterState.namespaceOf(secret) + "/" + secret.getMetadata().getName(), secret));
    }

    private static Parsed parse(String key, Secret secret) {
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
        // The leaf's DNS names, read once per content: every host the Secret serves is checked against them.
        return new Parsed(new TlsCertificate(key, chain, privateKey), Leaf.of(material.leaf()), null, null, secret.getType(),
                dnsNames(material.leaf()), material.leaf().getNotBefore().toInstant(), material.leaf().getNotAfter().toInstant());
    }

    private static Parsed failed(String reason, String message) {
        return new Parsed(null, null, message, reason, null, List.of(), null, null);
    }

    private static Parsed wrongType(String key, String type) {
        return failed("SecretWrongType", "secret " + key + (type == null ? " has no type" : " is of type " + type)
                + ", not " + TLS_TYPE);
    }

    /** {@code data} is base64 as the API stores it; {@code stringData} is plain text, as manifests may write it. */
    static String value(Secret secret, String key) {
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
    static String chainOrderProblem(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            boolean issuedByNext = certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
            // Identifiers that agree settle it; the signature decides the rest (an issuer re-issued
            // with its key but another way of deriving its identifier is still the issuer).
            if (issuedByNext && !keyIdentifiersAgree(certificate, issuer)) {
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

    /**
     * Whether a certificate names its issuer's key: its authority key identifier equals the issuer's
     * subject key identifier, as OpenSSL builds chains; false when either is left out or malformed.
     * Verifying an ECDSA signature instead costs about 0.8 ms, 8 s of a first translation at 10,000
     * Secrets; CAs put both identifiers in what they issue (RFC 5280 4.2.1.1-2).
     */
    private static boolean keyIdentifiersAgree(X509Certificate certificate, X509Certificate issuer) {
        byte[] authority = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        byte[] subject = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (authority == null || subject == null) {
            return false;
        }
        try {
            byte[] named = AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(authority))
                    .getKeyIdentifierOctets();
            byte[] own = SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(subject)).getKeyIdentifier();
            return named != null && java.util.Arrays.equals(named, own);
        } catch (java.io.IOException | RuntimeException e) {
            return false; // a malformed identifier (BouncyCastle throws several kinds): the signature decides
        }
    }

    static boolean covers(X509Certificate leaf, String host) {
        return covers(dnsNames(leaf), host);
    }

    /** Whether one of a leaf's DNS names (exactly, or as a one-label wildcard) is the host. */
    static boolean covers(List<String> dnsNames, String host) {
        // Asked per host per translation: compared in place, without lowercased copies.
        for (String san : dnsNames) {
            if (san.equalsIgnoreCase(host)) {
                return true;
            }
            if (san.startsWith("*.") && !host.startsWith("*.")) {
                int dot = host.indexOf('.');
                int suffix = host.length() - dot - 1;
                if (dot > 0 && san.length() - 2 == suffix && san.regionMatches(true, 2, host, dot + 1, suffix)) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<String> dnsNames(X509Certificate leaf) {
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
