package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

/** Listener-wide TLS settings travel in the snapshot: changing them is a swap, not a restart. */
class ListenerSettingsTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("listener CA", KeyType.EC_P256);

    @Test
    void raisingTheMinimumVersionToTls13RefusesTls12ClientsFromTheNextSnapshotOn() {
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        Snapshot lenient = new Snapshot(1, List.of(host("app.example.test", "app")), List.of(),
                List.of(certificate("app", issued)), null);
        try (TestDataPlane dataPlane = TestDataPlane.serving(lenient)) {
            assertThat(handshake(dataPlane, "-tls1_2")).contains("New, TLSv1.2, Cipher is");

            dataPlane.server().config().apply(new Snapshot(2, lenient.virtualHosts(), List.of(), lenient.certificates(), null,
                    new ListenerSettings("1.3")));
            assertThat(handshake(dataPlane, "-tls1_2")).doesNotContain("New, TLSv1.2, Cipher is");
            assertThat(handshake(dataPlane, "-tls1_3")).contains("New, TLSv1.3, Cipher is");
            // The generated default certificate (no SNI match) follows the setting too.
            assertThat(handshake(dataPlane, "-tls1_2", "unknown.example.test")).doesNotContain("New, TLSv1.2, Cipher is");
        }
    }

    @Test
    void defaultListenerSettingsAreLeftOutOfTheJson() {
        Snapshot plain = new Snapshot(1, List.of(), List.of(), List.of(), null);
        assertThat(SnapshotCodec.toJson(plain)).doesNotContain("listener");
        Snapshot strict = new Snapshot(1, List.of(), List.of(), List.of(), null, new ListenerSettings("1.3"));
        assertThat(SnapshotCodec.toJson(strict)).contains("\"minTlsVersion\" : \"1.3\"");
        assertThat(SnapshotCodec.fromJson(SnapshotCodec.toJson(strict).getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(strict);
        assertThat(SnapshotCodec.fromJson(SnapshotCodec.toJson(plain).getBytes(java.nio.charset.StandardCharsets.UTF_8)).listener()).isEqualTo(ListenerSettings.DEFAULTS);
    }

    @Test
    void anUnknownMinimumVersionFailsValidation() {
        Snapshot invalid = new Snapshot(1, List.of(), List.of(), List.of(), null, new ListenerSettings("1.1"));
        assertThat(invalid.validate()).anyMatch(problem -> problem.contains("minTlsVersion"));
    }

    private static String handshake(TestDataPlane dataPlane, String version) {
        return handshake(dataPlane, version, "app.example.test");
    }

    private static String handshake(TestDataPlane dataPlane, String version, String serverName) {
        return Processes.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + dataPlane.httpsPort(),
                "-servername", serverName, version), "").stdout();
    }
}
