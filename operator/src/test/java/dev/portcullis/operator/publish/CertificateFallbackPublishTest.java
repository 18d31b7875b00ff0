package dev.portcullis.operator.publish;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the operator publishes when a Secret breaks (issue #16): the snapshot data planes download
 * (so every replica, and one that restarts, gets it) keeps the last good certificate for the host,
 * the translation carries the Warning that becomes an Event, and
 * {@code portcullis_operator_certificate_fallbacks} counts the host until the Secret is fixed; and
 * what a restarted operator, which no longer knows the good certificate, publishes instead.
 */
class CertificateFallbackPublishTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("publish CA", KeyType.EC_P256);
    private static final String HOST = "shop.example.test";

    @Test
    void publishedSnapshotKeepsTheLastGoodCertificateAndTheGaugeCountsIt() throws Exception {
        IssuedCertificate good = CA.issueServer(List.of(HOST), KeyType.EC_P256);
        AtomicReference<Secret> secret = new AtomicReference<>(secret(good.chainPem(), good.privateKeyPem()));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (SnapshotPublisher publisher = new SnapshotPublisher(() -> state(secret.get()), Duration.ZERO, Duration.ZERO,
                Clock.systemUTC(), metrics)) {
            publisher.rebuild();
            assertThat(gauge(metrics)).isZero();

            secret.set(secret(good.chainPem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
            publisher.rebuild();
            PublishedSnapshot broken = publisher.latest();
            Snapshot downloaded = SnapshotCodec.fromJson(gunzip(broken.gzippedJson()));
            String name = downloaded.virtualHosts().stream().filter(host -> host.hostname().equals(HOST)).findFirst()
                    .orElseThrow().certificate();
            assertThat(name).startsWith("default/shop-tls (last good");
            assertThat(downloaded.certificates()).filteredOn(certificate -> certificate.name().equals(name)).singleElement()
                    .satisfies(certificate -> assertThat(certificate.certificateChainPem()).isEqualTo(good.chainPem()));
            assertThat(broken.translation().problems()).extracting(problem -> problem.reason()).containsExactly("LastGoodCertificateKept");
            assertThat(gauge(metrics)).isEqualTo(1);

            // A data plane of one IngressClass that connects only now gets the kept certificate too.
            PublishedSnapshot classStream = publisher.awaitAfter(StandaloneIngressClass.NAME, 0, Duration.ofSeconds(20));
            assertThat(SnapshotCodec.fromJson(gunzip(classStream.gzippedJson())).virtualHosts()).singleElement()
                    .satisfies(host -> assertThat(host.certificate()).isEqualTo(name));

            IssuedCertificate renewed = CA.issueServer(List.of(HOST), KeyType.EC_P256);
            secret.set(secret(renewed.chainPem(), renewed.privateKeyPem()));
            publisher.rebuild();
            assertThat(gauge(metrics)).isZero();
            assertThat(publisher.latest().translation().problems()).isEmpty();
        }
    }

    /**
     * Across an operator restart: the operator that knew the good certificate is gone, the Secret is
     * broken, and a new publisher (an empty memo) must not move the host to the default certificate on
     * a data plane that still serves the good one. A real data plane, real handshakes on 127.0.0.1.
     */
    @Test
    void restartedOperatorWithABrokenSecretLetsTheDataPlaneKeepTheGoodCertificate() throws Exception {
        IssuedCertificate good = CA.issueServer(List.of(HOST), KeyType.EC_P256);
        Snapshot beforeRestart;
        try (SnapshotPublisher first = publisher(secret(good.chainPem(), good.privateKeyPem()), new SimpleMeterRegistry())) {
            first.rebuild();
            beforeRestart = download(first.latest());
        }

        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        Snapshot afterRestart;
        try (SnapshotPublisher restarted = publisher(secret(good.chainPem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                metrics)) {
            restarted.rebuild();
            PublishedSnapshot published = restarted.latest();
            afterRestart = download(published);
            assertThat(published.translation().problems()).singleElement().satisfies(problem -> {
                assertThat(problem.reason()).isEqualTo("LastGoodCertificateKeptByDataPlanes");
                assertThat(problem.severity()).isEqualTo(Problem.Severity.WARNING);
            });
            assertThat(gauge(metrics)).isEqualTo(1);
        }
        assertThat(SnapshotCodec.toJson(afterRestart)).as("the marker carries no key").doesNotContain("PRIVATE KEY");

        try (DataPlaneServer running = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral())) {
            running.config().apply(beforeRestart);
            assertThat(servedSerial(running)).isEqualTo(good.leaf().getSerialNumber());
            running.config().apply(afterRestart.withVersion(beforeRestart.version() + 1));
            assertThat(running.config().current().version()).isEqualTo(beforeRestart.version() + 1);
            assertThat(servedSerial(running)).as("the running data plane keeps the good certificate")
                    .isEqualTo(good.leaf().getSerialNumber());
        }
        try (DataPlaneServer fresh = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral())) {
            fresh.config().apply(afterRestart);
            assertThat(RawTlsClient.servedCertificate(fresh.httpsAddress().getPort(), HOST).getSubjectX500Principal().getName())
                    .as("a data plane that starts now has nothing to keep").isEqualTo("CN=portcullis default certificate");
        }
    }

    private static java.math.BigInteger servedSerial(DataPlaneServer server) throws Exception {
        return RawTlsClient.servedCertificate(server.httpsAddress().getPort(), HOST).getSerialNumber();
    }

    private static SnapshotPublisher publisher(Secret secret, SimpleMeterRegistry metrics) {
        return new SnapshotPublisher(() -> state(secret), Duration.ZERO, Duration.ZERO, Clock.systemUTC(), metrics);
    }

    private static Snapshot download(PublishedSnapshot published) throws Exception {
        return SnapshotCodec.fromJson(gunzip(published.gzippedJson()));
    }

    private static double gauge(SimpleMeterRegistry metrics) {
        return metrics.get("portcullis.operator.certificate.fallbacks").gauge().value();
    }

    private static byte[] gunzip(byte[] gzipped) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }

    private static ClusterState state(Secret secret) {
        return StandaloneIngressClass.ensure(new ClusterState(List.of(new IngressBuilder()
                .withNewMetadata().withName("shop").withNamespace("default").endMetadata()
                .withNewSpec().addNewTl().withHosts(HOST).withSecretName("shop-tls").endTl()
                .addNewRule().withHost(HOST).endRule().endSpec().build()), List.of(), List.of(secret), List.of(), List.of()));
    }

    private static Secret secret(String chain, String key) {
        return new SecretBuilder().withNewMetadata().withName("shop-tls").withNamespace("default").endMetadata()
                .withType("kubernetes.io/tls").withStringData(Map.of("tls.crt", chain, "tls.key", key)).build();
    }
}
