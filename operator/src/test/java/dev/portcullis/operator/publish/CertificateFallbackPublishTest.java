package dev.portcullis.operator.publish;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.translate.ClusterState;
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
 * {@code portcullis_operator_certificate_fallbacks} counts the host until the Secret is fixed.
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
