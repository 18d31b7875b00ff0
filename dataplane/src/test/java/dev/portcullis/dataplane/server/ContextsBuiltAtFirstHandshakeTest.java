package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.runtime.RuntimeConfig;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.ServerContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host's TLS context is built by its first handshake, not when its snapshot is applied: applying
 * thousands of certificates costs their parsing and checking only, and an idle host's context costs
 * no native memory. The handshake that builds it is served like any other, with the host's own
 * certificate, and so are handshakes that arrive together while it is built.
 */
class ContextsBuiltAtFirstHandshakeTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("lazy CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
    private static final IssuedCertificate OTHER = CA.issueServer(List.of("other.example.test"), KeyType.RSA_2048);

    @Test
    void aHostsContextIsBuiltByItsFirstHandshakeWithItsOwnCertificate() throws Exception {
        Snapshot snapshot = new Snapshot(1, List.of(host("app.example.test", "app"), host("other.example.test", "other")),
                List.of(), List.of(certificate("app", APP), certificate("other", OTHER)), null);
        try (TestDataPlane plane = TestDataPlane.serving(snapshot)) {
            RuntimeConfig config = plane.server().config().current();
            assertThat(config.defaultTls().isBuilt()).as("the default context, built with the snapshot").isTrue();
            assertThat(tls(config, "app.example.test").isBuilt()).isFalse();
            assertThat(tls(config, "other.example.test").isBuilt()).isFalse();

            assertThat(RawTlsClient.servedCertificate(plane.httpsPort(), "app.example.test")).isEqualTo(APP.leaf());

            assertThat(tls(config, "app.example.test").isBuilt()).isTrue();
            assertThat(tls(config, "other.example.test").isBuilt()).as("a host nobody asked for").isFalse();
        }
    }

    @Test
    void handshakesArrivingTogetherWhileItIsBuiltAllGetTheCertificate() throws Exception {
        Snapshot snapshot = new Snapshot(1, List.of(host("other.example.test", "other")), List.of(),
                List.of(certificate("other", OTHER)), null);
        try (TestDataPlane plane = TestDataPlane.serving(snapshot);
             ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Callable<Object>> handshakes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                handshakes.add(() -> RawTlsClient.servedCertificate(plane.httpsPort(), "other.example.test"));
            }
            for (Future<Object> served : clients.invokeAll(handshakes)) {
                assertThat(served.get()).isEqualTo(OTHER.leaf());
            }
        }
    }

    private static ServerContext tls(RuntimeConfig config, String hostname) {
        return config.hosts().findNamed(hostname).tls();
    }
}
