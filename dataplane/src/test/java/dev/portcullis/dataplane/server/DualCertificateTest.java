package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

/** One host with an ECDSA and an RSA certificate: clients that take ECDSA get it, older ones RSA (openssl as both). */
class DualCertificateTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("dual CA", KeyType.EC_P256);
    private static EchoBackend backend;
    private static TestDataPlane dataPlane;
    private static Path ca;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoBackend.start("pod", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(new VirtualHost("dual.example.test", TlsMode.TERMINATE, "ecdsa",
                        List.of(new Route(PathMatch.prefix("/"), "pod")), false, null, null, "rsa")),
                List.of(new Cluster("pod", endpoints(List.of(backend)))),
                List.of(certificate("ecdsa", CA.issueServer(List.of("dual.example.test"), KeyType.EC_P256)),
                        certificate("rsa", CA.issueServer(List.of("dual.example.test"), KeyType.RSA_2048))), null));
        ca = Files.createTempFile("dual-ca", ".pem");
        Files.writeString(ca, CA.certificatePem());
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        backend.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a TLS 1.3 client with ECDSA | -tls1_3 | ECDSA",
            "a TLS 1.2 client with ECDSA | -tls1_2 | ECDSA",
            "a TLS 1.3 client with RSA-PSS signatures only | -tls1_3 -sigalgs rsa_pss_rsae_sha256 | RSA-PSS",
            "a TLS 1.2 client with ECDHE-RSA suites only | -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 | RSA-PSS",
            "a TLS 1.2 client with RSA signatures only | -tls1_2 -sigalgs RSA+SHA256 | RSA"})
    void eachClientGetsTheCertificateItCanTake(String client, String options, String signature) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + dataPlane.httpsPort(),
                "-servername", "dual.example.test", "-CAfile", ca.toString(), "-brief", "-verify_return_error"));
        command.addAll(List.of(options.split(" ")));
        Processes.Result result = Processes.run(command, "");
        String said = result.stdout() + result.stderr();
        // openssl names the server's signature: ECDSA, RSA-PSS or RSA (PKCS#1), so the key type of the certificate.
        assertThat(said).as(said).contains("Verification: OK", "Signature type: " + signature + "\n");
    }
}
