package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 5,000 connections from one address that each send a byte of a ClientHello and then nothing (a
 * slowloris), with the default limits: another client's HTTPS request is still answered, by curl
 * with a one-second limit of its own.
 */
class SlowlorisTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("slowloris CA", KeyType.EC_P256);

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void fiveThousandStalledConnectionsLeaveHttpsAnsweringOthers() throws Exception {
        List<Socket> attack = new ArrayList<>();
        try (EchoBackend backend = EchoBackend.start("pod", "127.0.0.1", 0);
             TestDataPlane dataPlane = TestDataPlane.serving(new Snapshot(1,
                     List.of(host("app.example.test", "app", prefix("/", "pod"))),
                     List.of(new Cluster("pod", endpoints(List.of(backend)))),
                     List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))), null))) {
            Path ca = Files.createTempFile("slowloris-ca", ".pem");
            Files.writeString(ca, CA.certificatePem());
            // Warm: the first handshake of a new JVM compiles its way through TLS; that is not the attack's doing.
            assertThat(curl(ca, dataPlane.httpsPort(), "10").stdout()).isEqualTo("200");
            for (int i = 0; i < 5_000; i++) {
                Socket socket = new Socket();
                attack.add(socket);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), dataPlane.httpsPort()));
                socket.getOutputStream().write(0x16); // the first byte of a TLS record, and no more
            }
            // The attack in place: all but the 1,024 connections the address may hold were closed at accept.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1)).until(() -> dataPlane.server().metrics()
                    .scrape().contains("portcullis_connections_cut_total{reason=\"client_connection_limit\"} 3976.0"));
            var result = curl(ca, dataPlane.httpsPort(), "1");
            assertThat(result.stdout()).as("curl: %s", result.stderr()).isEqualTo("200");
        } finally {
            for (Socket socket : attack) {
                socket.close();
            }
        }
    }

    /** An HTTPS request from another client address, with curl's own time limit. */
    private static Processes.Result curl(Path ca, int port, String maxSeconds) {
        return Processes.run(List.of("curl", "-sS", "--max-time", maxSeconds, "--interface", "127.0.0.2",
                "--cacert", ca.toString(), "--resolve", "app.example.test:" + port + ":127.0.0.1",
                "-o", "/dev/null", "-w", "%{http_code}", "https://app.example.test:" + port + "/"), null);
    }
}
