package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain-order check: by key identifiers where the certificates carry them, else by signature. */
class ChainOrderTest {

    @Test
    void keyIdentifiersTellTheIssuerFromANamesakeWithAnotherKey() {
        CertificateAuthority ca = CertificateAuthority.create("order CA", KeyType.EC_P256);
        CertificateAuthority namesake = CertificateAuthority.create("order CA", KeyType.EC_P256);
        IssuedCertificate issued = ca.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        assertThat(issued.leaf().getExtensionValue("2.5.29.35")).as("the leaf names its issuer's key").isNotNull();

        assertThat(TlsSecretParser.chainOrderProblem(List.of(issued.leaf(), ca.certificate()))).isNull();
        assertThat(TlsSecretParser.chainOrderProblem(List.of(issued.leaf(), namesake.certificate())))
                .contains("is not signed by certificate 2 (CN=order CA)");
        assertThat(TlsSecretParser.chainOrderProblem(List.of(ca.certificate(), issued.leaf()))).contains("out of order");
    }

    @Test
    void withoutKeyIdentifiersTheSignatureDecides() throws Exception {
        KeyPair caKeys = ecKeys();
        KeyPair namesakeKeys = ecKeys();
        KeyPair leafKeys = ecKeys();
        X509Certificate ca = certificate("CN=bare CA", caKeys, "CN=bare CA", caKeys);
        X509Certificate namesake = certificate("CN=bare CA", namesakeKeys, "CN=bare CA", namesakeKeys);
        X509Certificate leaf = certificate("CN=app.example.test", leafKeys, "CN=bare CA", caKeys);
        assertThat(leaf.getExtensionValue("2.5.29.35")).isNull();

        assertThat(TlsSecretParser.chainOrderProblem(List.of(leaf, ca))).isNull();
        assertThat(TlsSecretParser.chainOrderProblem(List.of(leaf, namesake))).contains("is not signed by certificate 2");
    }

    @Test
    void identifiersThatDisagreeLeaveItToTheSignature() throws Exception {
        // An issuer re-issued with its key, its identifier derived another way (RFC 7093): still the issuer.
        KeyPair caKeys = ecKeys();
        KeyPair namesakeKeys = ecKeys();
        byte[] truncatedSha256 = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] sha1 = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
        X509Certificate reissued = certificate("CN=re CA", caKeys, "CN=re CA", caKeys, truncatedSha256, null);
        X509Certificate namesake = certificate("CN=re CA", namesakeKeys, "CN=re CA", namesakeKeys, truncatedSha256, null);
        X509Certificate leaf = certificate("CN=app.example.test", ecKeys(), "CN=re CA", caKeys, null, sha1);

        assertThat(TlsSecretParser.chainOrderProblem(List.of(leaf, reissued))).isNull();
        assertThat(TlsSecretParser.chainOrderProblem(List.of(leaf, namesake))).contains("is not signed by certificate 2");
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    /** A certificate with no extensions at all, as some old or hand-made CAs issue them. */
    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys)
            throws Exception {
        return certificate(subject, subjectKeys, issuer, issuerKeys, null, null);
    }

    /** With the key identifiers given (null: left out). */
    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                               byte[] subjectKeyId, byte[] authorityKeyId) throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(System.nanoTime()),
                Date.from(now), Date.from(now.plusSeconds(3600)), new X500Name(subject), subjectKeys.getPublic());
        if (subjectKeyId != null) {
            builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKeyId));
        }
        if (authorityKeyId != null) {
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyId));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }
}
