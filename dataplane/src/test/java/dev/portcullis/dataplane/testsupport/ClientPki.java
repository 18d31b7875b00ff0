package dev.portcullis.dataplane.testsupport;

import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.Pem;
import dev.portcullis.dataplane.tls.PemParser;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Client certificates for tests of client-certificate authentication: a root CA, client
 * certificates it issues directly or through an intermediate CA, and CRLs that revoke some.
 */
public final class ClientPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final CertificateAuthority root;
    private final PrivateKey rootKey;

    private ClientPki(CertificateAuthority root) {
        this.root = root;
        this.rootKey = PemParser.privateKey(root.privateKeyPem());
    }

    public static ClientPki create(String name) {
        return new ClientPki(CertificateAuthority.create(name, KeyType.EC_P256));
    }

    public String caPem() {
        return root.certificatePem();
    }

    /** A client certificate issued by the root, valid from an hour ago for a day. */
    public IssuedCertificate client(String commonName) {
        Instant now = Instant.now();
        return root.issue(List.of(commonName), KeyType.EC_P256, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_clientAuth);
    }

    /** A client certificate issued by the root that expired an hour ago. */
    public IssuedCertificate expiredClient(String commonName) {
        Instant now = Instant.now();
        return root.issue(List.of(commonName), KeyType.EC_P256, now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1)),
                KeyPurposeId.id_kp_clientAuth);
    }

    /** A client certificate issued by an intermediate CA the root issued; its chain: client, intermediate. */
    public IssuedCertificate clientThroughIntermediate(String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair intermediateKeys = generator.generateKeyPair();
            Instant now = Instant.now();
            X509Certificate intermediate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded()), serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("CN=intermediate of " + commonName), intermediateKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey)));
            CertificateAuthority intermediateCa = CertificateAuthority.fromPem(Pem.certificates(List.of(intermediate)),
                    Pem.privateKey(intermediateKeys.getPrivate()));
            return intermediateCa.issue(List.of(commonName), KeyType.EC_P256, now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(1)), KeyPurposeId.id_kp_clientAuth);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL of the root that revokes these certificates, valid for a day. */
    public String crlPem(X509Certificate... revoked) {
        try {
            Instant now = Instant.now();
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded()), Date.from(now.minusSeconds(60)));
            builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
            for (X509Certificate certificate : revoked) {
                builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
            }
            X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey)));
            return pem(crl);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) throws java.io.IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
