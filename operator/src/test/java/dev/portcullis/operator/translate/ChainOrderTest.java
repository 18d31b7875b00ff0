package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.bouncycastle.asn1.x500.X500Name;
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

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    /** A certificate with no extensions at all, as some old or hand-made CAs issue them. */
    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys)
            throws Exception {
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now), Date.from(now.plusSeconds(3600)), new X500Name(subject),
                subjectKeys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }
}
