package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
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

/** What a leaf says about its issuer's key: what OpenSSL clients build the chain by. */
class CertificateAuthorityTest {

    @Test
    void leavesNameTheirIssuersKeyAsTheIssuerNamesIt() throws Exception {
        CertificateAuthority made = CertificateAuthority.create("made CA", KeyType.EC_P256);
        X509Certificate leaf = made.issueServer(List.of("app.example.test"), KeyType.EC_P256).leaf();
        assertThat(authorityKeyId(leaf)).isEqualTo(subjectKeyId(made.certificate()));
        assertThat(subjectKeyId(leaf)).isNotNull();

        // A CA kept elsewhere whose identifier is not the SHA-1 of its key (RFC 7093 allows others).
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        byte[] ownId = {1, 2, 3, 4, 5, 6, 7, 8};
        Instant now = Instant.now();
        X509Certificate kept = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=kept CA"), BigInteger.ONE, Date.from(now), Date.from(now.plusSeconds(3600)),
                new X500Name("CN=kept CA"), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(ownId))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        CertificateAuthority loaded = CertificateAuthority.fromPem(Pem.certificates(List.of(kept)), Pem.privateKey(keys.getPrivate()));
        assertThat(authorityKeyId(loaded.issueServer(List.of("app.example.test"), KeyType.EC_P256).leaf())).isEqualTo(ownId);
    }

    private static byte[] authorityKeyId(X509Certificate certificate) throws Exception {
        return AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId()))).getKeyIdentifierOctets();
    }

    private static byte[] subjectKeyId(X509Certificate certificate) throws Exception {
        byte[] value = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        return value == null ? null : SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value)).getKeyIdentifier();
    }
}
