package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The data plane against a mutual-TLS channel: it follows an operator that restarts on the same
 * address, and presents a renewed client certificate once the mounted Secret changes.
 */
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
        startAgainst(3);
        int port = channel.port();
        await().atMost(Duration.ofSeconds(20)).until(() -> polledAfter(3));
        assertThat(metrics()).contains("portcullis_control_plane_connected 1.0")
                .contains("portcullis_control_plane_poll_failures_total 0.0");

        int failedBefore = client.failedPolls();
        channel.close();
        // The operator stays away while the data plane fails several polls in a row, as during a restart.
        await().atMost(Duration.ofSeconds(30)).until(() -> client.failedPolls() >= failedBefore + 4);
        // What the disconnection alert watches (the counter moves just after failedPolls()).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("portcullis_control_plane_connected 0.0")
                .containsPattern("portcullis_control_plane_poll_failures_total ([4-9]|\\d\\d+)\\.0"));
        channel = TestChannel.start(CA, port, 7);
        long restarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> version() == 7);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("portcullis_control_plane_connected 1.0"));
        System.out.printf("snapshot of the restarted channel applied %d ms after it listened%n",
                Duration.ofNanos(System.nanoTime() - restarted).toMillis());
    }

    @Test
    void presentsTheRenewedClientCertificateOnALaterRequest() throws Exception {
        MountedSecret secret = new MountedSecret(directory);
        IssuedCertificate first = clientCertificate();
        secret.write(first, CA);
        startAgainst(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> polledAfter(1));

        IssuedCertificate renewed = clientCertificate();
        secret.write(renewed, CA);
        channel.publish(2); // ends the poll in flight, which went out with the first certificate
        await().atMost(Duration.ofSeconds(20)).until(() -> lastSerial().equals(renewed.leaf().getSerialNumber()));

        assertThat(channel.polls().getFirst().clientSerial()).isEqualTo(first.leaf().getSerialNumber());
        assertThat(version()).isEqualTo(2);
    }

    @Test
    void keepsTheLastGoodCertificateWhileTheNewFilesDoNotMatch() throws Exception {
        MountedSecret secret = new MountedSecret(directory);
        IssuedCertificate first = clientCertificate();
        secret.write(first, CA);
        startAgainst(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> polledAfter(1));

        IssuedCertificate other = clientCertificate();
        secret.write(clientCertificate().chainPem(), other.privateKeyPem(), CA.certificatePem());
        channel.publish(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> polledAfter(2));
        assertThat(lastSerial()).as("still the first certificate").isEqualTo(first.leaf().getSerialNumber());

        secret.write(other, CA);
        channel.publish(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> lastSerial().equals(other.leaf().getSerialNumber()));
    }

    @Test
    void anAnswerThatDoesNotDecodeIsRejectedAndTheLastGoodSnapshotStays() throws Exception {
        new MountedSecret(directory).write(clientCertificate(), CA);
        startAgainst(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> version() == 1);

        // Binary noise, gzip-encoded as the operator's answers are: it inflates, then does not parse.
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            byte[] noise = new byte[4096];
            new java.util.Random(16).nextBytes(noise);
            gzip.write(noise);
        }
        channel.publishRaw(2, zipped.toByteArray(), true);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(metrics())
                .containsPattern("portcullis_snapshot_apply_failures_total ([2-9]|\\d\\d+)\\.0"));
        assertThat(version()).as("the last good snapshot stays").isEqualTo(1);

        channel.publish(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> version() == 3);
    }

    private void startAgainst(long version) throws Exception {
        dataPlane = TestDataPlane.serving(null);
        channel = TestChannel.start(CA, 0, version);
        client = ControlPlaneClient.start(URI.create("https://localhost:" + channel.port()), directory,
                dataPlane.server().config());
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(dataPlane.admin("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private boolean polledAfter(long version) {
        return channel.polls().stream().anyMatch(poll -> poll.after() == version);
    }

    private BigInteger lastSerial() {
        List<TestChannel.Poll> polls = channel.polls();
        return polls.isEmpty() ? BigInteger.ZERO : polls.getLast().clientSerial();
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
