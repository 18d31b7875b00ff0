package dev.portcullis.dataplane.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A certificate authority made with BouncyCastle: the data plane's default certificate, the demo's
 * certificates, and the certificates tests make at test time.
 */
public final class CertificateAuthority {

    /** {@code RSA_1024} is too weak to serve; it exists so that tests can check the warning it earns. */
    public enum KeyType { EC_P256, RSA_2048, RSA_1024 }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** A new root CA valid for ten years. */
    public static CertificateAuthority create(String commonName, KeyType keyType) {
        KeyPair keyPair = generateKeyPair(keyType);
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))),
                    subject, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
            return new CertificateAuthority(keyPair, sign(builder, keyPair));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot create a CA certificate", e);
        }
    }

    /** A self-signed server certificate, as the data plane presents when no default is configured. */
    public static IssuedCertificate selfSigned(String commonName, List<String> dnsNames) {
        KeyPair keyPair = generateKeyPair(KeyType.EC_P256);
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + commonName);
        X509Certificate certificate = leaf(subject, keyPair, subject, keyPair, null, dnsNames,
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), KeyPurposeId.id_kp_serverAuth, null);
        return new IssuedCertificate(List.of(certificate), keyPair.getPrivate());
    }

    /** A CA kept elsewhere (the operator keeps its own in a Secret). */
    public static CertificateAuthority fromPem(String certificatePem, String privateKeyPem) {
        KeyMaterial material = PemParser.parse(certificatePem, privateKeyPem);
        return new CertificateAuthority(new KeyPair(material.leaf().getPublicKey(), material.privateKey()), material.leaf());
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's own key, PKCS#8; for the Secret that keeps it, never for a log. */
    public String privateKeyPem() {
        return Pem.privateKey(keyPair.getPrivate());
    }

    public String certificatePem() {
        return Pem.certificates(List.of(certificate));
    }

    /** A server certificate for the names, valid from an hour ago for a year. */
    public IssuedCertificate issueServer(List<String> dnsNames, KeyType keyType) {
        Instant now = Instant.now();
        return issue(dnsNames, keyType, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)),
                KeyPurposeId.id_kp_serverAuth);
    }

    /**
     * A server certificate that names where its revocation list lives ({@code crlUri}), as public CAs'
     * certificates do: TLS audits (testssl.sh) flag a certificate with neither a CRL nor an OCSP URI.
     */
    public IssuedCertificate issueServer(List<String> dnsNames, KeyType keyType, String crlUri) {
        Instant now = Instant.now();
        return issue(dnsNames, keyType, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)),
                KeyPurposeId.id_kp_serverAuth, crlUri);
    }

    /** A certificate with explicit validity and purpose (server or client authentication). */
    public IssuedCertificate issue(List<String> dnsNames, KeyType keyType, Instant notBefore, Instant notAfter,
                                   KeyPurposeId purpose) {
        return issue(dnsNames, keyType, notBefore, notAfter, purpose, null);
    }

    private IssuedCertificate issue(List<String> dnsNames, KeyType keyType, Instant notBefore, Instant notAfter,
                                    KeyPurposeId purpose, String crlUri) {
        KeyPair leafKeys = generateKeyPair(keyType);
        X500Name subject = new X500Name("CN=" + dnsNames.getFirst());
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        X509Certificate leaf = leaf(subject, leafKeys, issuer, keyPair, certificate, dnsNames, notBefore, notAfter,
                purpose, crlUri);
        return new IssuedCertificate(List.of(leaf, certificate), leafKeys.getPrivate());
    }

    /** {@code issuerCertificate}: null for a self-signed one. */
    private static X509Certificate leaf(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                        X509Certificate issuerCertificate, List<String> dnsNames,
                                        Instant notBefore, Instant notAfter,
                                        KeyPurposeId purpose, String crlUri) {
        GeneralName[] names = dnsNames.stream()
                .map(name -> isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name)
                        : new GeneralName(GeneralName.dNSName, name))
                .toArray(GeneralName[]::new);
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    // As RFC 5280 4.2.1.1-2 has CAs do: which key signed it, and its own key's identifier.
                    .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuerCertificate, issuerKeys))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            keyIdentifiers().createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (crlUri != null) {
                GeneralNames where = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUri));
                builder.addExtension(Extension.cRLDistributionPoints, false, new org.bouncycastle.asn1.x509.CRLDistPoint(
                        new org.bouncycastle.asn1.x509.DistributionPoint[]{new org.bouncycastle.asn1.x509.DistributionPoint(
                                new org.bouncycastle.asn1.x509.DistributionPointName(where), null, null)}));
            }
            return sign(builder, issuerKeys);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
        }
    }

    /** The issuer certificate's own subject key identifier when it has one (a CA loaded from PEM may derive it otherwise). */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer, KeyPair issuerKeys) {
        byte[] own = issuer == null ? null : issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (own != null) {
            try {
                return new AuthorityKeyIdentifier(SubjectKeyIdentifier.getInstance(
                        JcaX509ExtensionUtils.parseExtensionValue(own)).getKeyIdentifier());
            } catch (java.io.IOException | RuntimeException e) {
                // malformed: derived from the key below, as for a CA without one
            }
        }
        return keyIdentifiers().createAuthorityKeyIdentifier(issuerKeys.getPublic());
    }

    /** A new one each time: it keeps its digest's state between calls. */
    private static JcaX509ExtensionUtils keyIdentifiers() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-1 for key identifiers", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        String algorithm = "EC".equals(signer.getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot sign a certificate", e);
        }
    }

    private static KeyPair generateKeyPair(KeyType keyType) {
        try {
            return switch (keyType) {
                case EC_P256 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                    yield generator.generateKeyPair();
                }
                case RSA_2048, RSA_1024 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(keyType == KeyType.RSA_2048 ? 2048 : 1024, RANDOM);
                    yield generator.generateKeyPair();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + keyType + " key pair", e);
        }
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
