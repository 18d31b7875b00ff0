package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** The data plane follows an operator that restarts on the same address, over real mutual TLS. */
class ControlPlaneClientTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("operator CA", KeyType.EC_P256);

    @TempDir
    Path directory;
    private TestDataPlane dataPlane;
    private ControlPlaneClient client;
    private TestChannel channel;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (channel != null) {
            channel.close();
        }
        if (dataPlane != null) {
            dataPlane.close();
        }
    }

    @Test
    void reachesTheSnapshotOfAChannelThatRestartedOnTheSamePort() throws Exception {
        MountedSecret secret = new MountedSecret(directory);
        secret.write(clientCertificate(), CA);
        dataPlane = TestDataPlane.serving(null);
        channel = TestChannel.start(CA, 0, 3);
        int port = channel.port();
        client = ControlPlaneClient.start(URI.create("https://localhost:" + port), directory, dataPlane.server().config());
        await().atMost(Duration.ofSeconds(20)).until(() -> version() == 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.polls().stream().anyMatch(poll -> poll.after() == 3));

        channel.close();
        Thread.sleep(2000); // how long the operator is away: a restart's worth
        channel = TestChannel.start(CA, port, 7);
        long restarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> version() == 7);
        System.out.printf("snapshot of the restarted channel applied %d ms after it listened%n",
                Duration.ofNanos(System.nanoTime() - restarted).toMillis());
    }

    private long version() {
        var current = dataPlane.server().config().current();
        return current == null ? -1 : current.version();
    }

    static IssuedCertificate clientCertificate() {
        return CA.issue(List.of("portcullis-dataplane"), KeyType.EC_P256, Instant.now().minusSeconds(300),
                Instant.now().plus(Duration.ofDays(90)), KeyPurposeId.id_kp_clientAuth);
    }
}
