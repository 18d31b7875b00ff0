package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.PemParser;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data plane staples what the snapshot carries, per certificate: a host whose certificate has
 * an OCSP response staples it to clients that ask, a host without one and the generated default
 * certificate staple nothing, and a snapshot that drops the response stops the stapling.
 */
class OcspStaplingTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("stapling CA", KeyType.EC_P256);

    @Test
    void eachCertificateStaplesOnlyItsOwnResponse() throws Exception {
        IssuedCertificate app = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        IssuedCertificate api = CA.issueServer(List.of("api.example.test"), KeyType.RSA_2048);
        TlsCertificate stapled = certificate("app", app).withOcspResponse(goodResponse(app.leaf().getSerialNumber()));
        Snapshot snapshot = new Snapshot(1, List.of(host("app.example.test", "app"), host("api.example.test", "api")),
                List.of(), List.of(stapled, certificate("api", api)), null);
        try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot)) {
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                assertThat(sClient(dataPlane, "app.example.test", version, "-status")).as(version)
                        .contains("OCSP Response Status: successful").contains("Cert Status: good")
                        .contains("Serial Number: " + hex(app.leaf().getSerialNumber()));
            }
            assertThat(sClient(dataPlane, "api.example.test", "-tls1_3", "-status")).contains("OCSP response: no response sent");
            assertThat(sClient(dataPlane, "unknown.example.test", "-tls1_3", "-status")).contains("OCSP response: no response sent");
            assertThat(sClient(dataPlane, "app.example.test", "-tls1_3")).doesNotContain("OCSP Response");
            assertThat(stapledGauge(dataPlane)).isEqualTo(1);

            dataPlane.server().config().apply(new Snapshot(2, snapshot.virtualHosts(), List.of(),
                    List.of(certificate("app", app), certificate("api", api)), null));
            assertThat(sClient(dataPlane, "app.example.test", "-tls1_3", "-status")).contains("OCSP response: no response sent");
            assertThat(stapledGauge(dataPlane)).isZero();
        }
    }

    private static double stapledGauge(TestDataPlane dataPlane) {
        return dataPlane.server().metrics().registry().get("portcullis.ocsp.stapled.certificates").gauge().value();
    }

    /** A good answer for the serial, signed by the CA: what the operator would have fetched. */
    private static String goodResponse(BigInteger serial) throws Exception {
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        X509CertificateHolder issuer = new JcaX509CertificateHolder(CA.certificate());
        Instant now = Instant.now();
        BasicOCSPResp basic = new JcaBasicOCSPRespBuilder(CA.certificate().getPublicKey(), digests.get(CertificateID.HASH_SHA1))
                .addResponse(new CertificateID(digests.get(CertificateID.HASH_SHA1), issuer, serial), CertificateStatus.GOOD,
                        Date.from(now), Date.from(now.plus(Duration.ofHours(4))), null)
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(PemParser.privateKey(CA.privateKeyPem())),
                        new X509CertificateHolder[]{issuer}, Date.from(now));
        return Base64.getEncoder().encodeToString(new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded());
    }

    private static String hex(BigInteger serial) {
        String hex = serial.toString(16).toUpperCase(java.util.Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    private static String sClient(TestDataPlane dataPlane, String serverName, String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + dataPlane.httpsPort(), "-servername", serverName));
        command.addAll(List.of(options));
        Processes.Result result = Processes.run(command, "Q\n");
        assertThat(result.stdout()).as("a handshake never fails because of OCSP").contains("Cipher is");
        return result.stdout();
    }
}
