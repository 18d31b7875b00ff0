package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #16 across an operator restart: an operator that cannot read a host's Secret and remembers
 * no good certificate for it (it just restarted) sends a {@code keepServing} certificate, and the
 * data plane keeps the certificate it serves for that host; a data plane that never served one serves
 * the default certificate. Real TLS handshakes on 127.0.0.1; the serial of the leaf served tells
 * which certificate it was.
 */
class KeepServingCertificateTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("keep serving CA", KeyType.EC_P256);
    private static final String A = "a.example.test";
    private static final String B = "b.example.test";
    private static final IssuedCertificate FIRST = CA.issueServer(List.of(A), KeyType.EC_P256);
    private static final IssuedCertificate B_CERT = CA.issueServer(List.of(B), KeyType.EC_P256);
    private static final IssuedCertificate FALLBACK = CA.issueServer(List.of("fallback.example.test"), KeyType.EC_P256);
    private static final String UNREADABLE = "default/a-tls (unreadable)";

    private static EchoBackend backend;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoBackend.start("echo", "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void hostKeepsTheCertificateItIsServedWhenTheSnapshotSaysKeepServing() throws Exception {
        try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot(1, List.of(host(A, "a", prefix("/", "echo"))),
                List.of(certificate("a", FIRST))))) {
            assertThat(servedSerial(dataPlane, A)).isEqualTo(FIRST.leaf().getSerialNumber());

            // The operator restarted while a-tls was broken: it names the marker, and b is new.
            dataPlane.server().config().apply(snapshot(2, List.of(host(A, UNREADABLE, prefix("/", "echo")),
                    host(B, "b", prefix("/", "echo"))), List.of(TlsCertificate.keepServing(UNREADABLE), certificate("b", B_CERT))));
            assertThat(dataPlane.server().config().current().version()).isEqualTo(2);
            assertThat(servedSerial(dataPlane, A)).as("a keeps its first certificate").isEqualTo(FIRST.leaf().getSerialNumber());
            assertThat(servedSerial(dataPlane, B)).isEqualTo(B_CERT.leaf().getSerialNumber());
            assertThat(dataPlane.server().config().current().certificateOf(A).name()).isEqualTo("a");
            assertThat(gauge(dataPlane, "kept")).isEqualTo(1);
            assertThat(gauge(dataPlane, "default")).isZero();

            // Still broken, and the listener now offers TLS 1.3 only: kept again, rebuilt for 1.3.
            dataPlane.server().config().apply(new Snapshot(3, List.of(host(A, UNREADABLE, prefix("/", "echo"))),
                    List.of(new Cluster("echo", endpoints(List.of(backend)))), List.of(TlsCertificate.keepServing(UNREADABLE)),
                    null, new dev.portcullis.dataplane.config.ListenerSettings("1.3")));
            assertThat(dataPlane.server().config().current().version()).isEqualTo(3);
            assertThat(servedSerial(dataPlane, A)).isEqualTo(FIRST.leaf().getSerialNumber());

            // Repaired: the new certificate is served and nothing is kept any more.
            IssuedCertificate renewed = CA.issueServer(List.of(A), KeyType.EC_P256);
            dataPlane.server().config().apply(snapshot(4, List.of(host(A, "a", prefix("/", "echo"))),
                    List.of(certificate("a", renewed))));
            assertThat(servedSerial(dataPlane, A)).isEqualTo(renewed.leaf().getSerialNumber());
            assertThat(gauge(dataPlane, "kept")).isZero();
        }
    }

    @Test
    void freshDataPlaneGivenTheMarkerServesTheDefaultCertificate() throws Exception {
        try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot(1, List.of(host(A, UNREADABLE, prefix("/", "echo"))),
                List.of(TlsCertificate.keepServing(UNREADABLE))))) {
            X509Certificate served = served(dataPlane, A);
            assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=portcullis default certificate");
            assertThat(gauge(dataPlane, "default")).isEqualTo(1);
            assertThat(gauge(dataPlane, "kept")).isZero();
        }
    }

    @Test
    void hostThatWasOnTheDefaultCertificateStaysOnIt() throws Exception {
        try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot(1, List.of(host(A, null, prefix("/", "echo"))), List.of()))) {
            dataPlane.server().config().apply(snapshot(2, List.of(host(A, UNREADABLE, prefix("/", "echo"))),
                    List.of(TlsCertificate.keepServing(UNREADABLE))));
            assertThat(served(dataPlane, A).getSubjectX500Principal().getName()).isEqualTo("CN=portcullis default certificate");
            assertThat(gauge(dataPlane, "default")).isEqualTo(1);
        }
    }

    @Test
    void defaultCertificateKeepsTheOneItServes() throws Exception {
        List<VirtualHost> hosts = List.of(host(A, "a", prefix("/", "echo")));
        try (TestDataPlane dataPlane = TestDataPlane.serving(new Snapshot(1, hosts, List.of(new Cluster("echo", endpoints(List.of(backend)))),
                List.of(certificate("a", FIRST), certificate("edge/fallback-tls", FALLBACK)), "edge/fallback-tls"))) {
            assertThat(served(dataPlane, "unknown.example.test").getSerialNumber()).isEqualTo(FALLBACK.leaf().getSerialNumber());
            dataPlane.server().config().apply(new Snapshot(2, hosts, List.of(new Cluster("echo", endpoints(List.of(backend)))),
                    List.of(certificate("a", FIRST), TlsCertificate.keepServing("edge/fallback-tls (unreadable)")),
                    "edge/fallback-tls (unreadable)"));
            assertThat(dataPlane.server().config().current().version()).isEqualTo(2);
            assertThat(served(dataPlane, "unknown.example.test").getSerialNumber()).isEqualTo(FALLBACK.leaf().getSerialNumber());
            assertThat(served(dataPlane, A).getSerialNumber()).isEqualTo(FIRST.leaf().getSerialNumber());
            assertThat(gauge(dataPlane, "kept")).isEqualTo(1);
        }
        try (TestDataPlane fresh = TestDataPlane.serving(new Snapshot(1, hosts, List.of(new Cluster("echo", endpoints(List.of(backend)))),
                List.of(certificate("a", FIRST), TlsCertificate.keepServing("edge/fallback-tls (unreadable)")),
                "edge/fallback-tls (unreadable)"))) {
            assertThat(served(fresh, "unknown.example.test").getSubjectX500Principal().getName())
                    .isEqualTo("CN=portcullis default certificate");
            assertThat(gauge(fresh, "default")).isEqualTo(1);
        }
    }

    private static Snapshot snapshot(long version, List<VirtualHost> hosts, List<TlsCertificate> certificates) {
        return new Snapshot(version, hosts, List.of(new Cluster("echo", endpoints(List.of(backend)))), new ArrayList<>(certificates), null);
    }

    private static double gauge(TestDataPlane dataPlane, String outcome) {
        String prefix = "portcullis_certificates_kept{outcome=\"" + outcome + "\"} ";
        return dataPlane.server().config().metrics().scrape().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()))).findFirst().orElseThrow();
    }

    private static BigInteger servedSerial(TestDataPlane dataPlane, String serverName) throws Exception {
        return served(dataPlane, serverName).getSerialNumber();
    }

    private static X509Certificate served(TestDataPlane dataPlane, String serverName) throws Exception {
        return RawTlsClient.servedCertificate(dataPlane.httpsPort(), serverName);
    }
}
