package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
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
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** A request whose Host names another host entry than the connection's SNI is 421, with curl. */
class MisdirectedRequestTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("misdirected CA", KeyType.EC_P256);
    private static EchoBackend backend;
    private static TestDataPlane dataPlane;
    private static Path ca;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoBackend.start("pod", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("a.example.test", "a", prefix("/", "pod")),
                        host("b.example.test", "b", prefix("/", "pod")),
                        host("*.wild.test", "wild", prefix("/", "pod"))),
                List.of(new Cluster("pod", endpoints(List.of(backend)))),
                List.of(certificate("a", CA.issueServer(List.of("a.example.test"), KeyType.EC_P256)),
                        certificate("b", CA.issueServer(List.of("b.example.test"), KeyType.EC_P256)),
                        certificate("wild", CA.issueServer(List.of("*.wild.test"), KeyType.EC_P256))), null));
        ca = Files.createTempFile("misdirected-ca", ".pem");
        Files.writeString(ca, CA.certificatePem());
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        backend.close();
    }

    @ParameterizedTest(name = "SNI {0}, Host {1}: {2}")
    @CsvSource({"a.example.test, a.example.test, 200", "a.example.test, b.example.test, 421",
            "x.wild.test, y.wild.test, 200", "x.wild.test, a.example.test, 421"})
    void theHostMustBeTheOneTheHandshakeWasFor(String sni, String host, String status) {
        int port = dataPlane.httpsPort();
        var result = Processes.run(List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.toString(),
                "--resolve", sni + ":" + port + ":127.0.0.1", "-H", "Host: " + host, "--http1.1",
                "-o", "/dev/null", "-w", "%{http_code}", "https://" + sni + ":" + port + "/"), null);
        assertThat(result.stdout()).as(result.stderr()).isEqualTo(status);
    }
}
