package dev.portcullis.operator.publish;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.Pem;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.ocsp.OcspFetcher;
import dev.portcullis.operator.ocsp.OcspStapler;
import dev.portcullis.operator.ocsp.OcspTestCa;
import dev.portcullis.operator.ocsp.TestClock;
import dev.portcullis.operator.ocsp.TestOcspResponder;
import dev.portcullis.operator.ocsp.TestOcspResponder.Answer;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.ObjectRef;
import dev.portcullis.operator.translate.Problem;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator path of OCSP stapling: the publisher's snapshot (what every data plane downloads)
 * carries the response the stapler fetched, so one fetch serves all replicas and data planes need
 * no egress; the translation's Warnings (which become Events on the Ingress) say when the
 * certificate is revoked or the staple expired. A data plane fed the downloaded snapshot staples
 * it to {@code openssl s_client -status}.
 */
class OcspStaplingPublishTest {

    private static final String HOST = "shop.example.test";
    private static final OcspTestCa CA = OcspTestCa.create("publish OCSP CA");

    @TempDir
    Path directory;

    @Test
    void theSnapshotCarriesTheStapleEveryDataPlaneServesAndWarningsNameTheIngress() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (TestOcspResponder responder = TestOcspResponder.start(CA.asSigner(), clock)) {
            IssuedCertificate certificate = CA.issueServer(List.of(HOST), responder.url());
            ClusterState state = state(certificate);
            try (SnapshotPublisher publisher = new SnapshotPublisher(() -> state, Duration.ZERO, Duration.ZERO, clock, metrics);
                 OcspStapler stapler = new OcspStapler(new OcspFetcher(Duration.ofSeconds(5)), clock, metrics, publisher::changed)
                         .start(Duration.ofHours(1))) {
                publisher.ocspStaples(stapler::staples);
                publisher.addListener(published -> stapler.track(published.translation().snapshot()));
                publisher.rebuild();
                long first = publisher.latest().version();
                assertThat(served(download(publisher.latest())).ocspResponse()).isNull();

                stapler.refreshNow();
                PublishedSnapshot stapled = publisher.awaitAfter(first, Duration.ofSeconds(20));
                Snapshot downloaded = download(stapled);
                TlsCertificate served = served(downloaded);
                BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(Base64.getDecoder().decode(served.ocspResponse()))
                        .getResponseObject();
                assertThat(basic.getResponses()[0].getCertID().getSerialNumber()).isEqualTo(certificate.leaf().getSerialNumber());
                assertThat(served.toString()).doesNotContain(served.ocspResponse()).contains("ocspResponse=");
                assertThat(stapled.translation().problems()).isEmpty();
                assertThat(gauge(metrics, "good")).isEqualTo(1);

                try (DataPlaneServer dataPlane = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral())) {
                    dataPlane.config().apply(downloaded);
                    assertThat(sClient(dataPlane)).contains("OCSP Response Status: successful").contains("Cert Status: good");
                }

                // Revoked at the next refresh: stapled as the truth, and a Warning on the Ingress.
                responder.answer(Answer.REVOKED);
                clock.advance(Duration.ofHours(2).plusMinutes(1));
                stapler.refreshNow();
                PublishedSnapshot revoked = publisher.awaitAfter(stapled.version(), Duration.ofSeconds(20));
                assertThat(served(download(revoked)).ocspResponse()).isNotNull().isNotEqualTo(served.ocspResponse());
                assertThat(revoked.translation().problems()).singleElement().satisfies(problem -> {
                    assertThat(problem.reason()).isEqualTo("OcspCertificateRevoked");
                    assertThat(problem.object()).isEqualTo(new ObjectRef("Ingress", "default", "shop"));
                    assertThat(problem.isError()).isFalse();
                });
                assertThat(gauge(metrics, "revoked")).isEqualTo(1);

                // The responder fails from now on; past nextUpdate the staple leaves the snapshot.
                responder.answer(Answer.HTTP_500);
                clock.advance(Duration.ofHours(4).plusMinutes(1));
                stapler.refreshNow();
                PublishedSnapshot expired = publisher.awaitAfter(revoked.version(), Duration.ofSeconds(20));
                assertThat(served(download(expired)).ocspResponse()).isNull();
                assertThat(expired.translation().problems()).extracting(Problem::reason).containsExactly("OcspStapleExpired");
                assertThat(gauge(metrics, "expired")).isEqualTo(1);
                assertThat(metrics.get("portcullis.operator.ocsp.fetch.failures").counter().count()).isEqualTo(1);
            }
        }
    }

    private String sClient(DataPlaneServer dataPlane) throws Exception {
        Path ca = directory.resolve("ca.pem");
        Files.writeString(ca, Pem.certificates(List.of(CA.certificate())));
        Processes.Result result = Processes.run(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + dataPlane.httpsAddress().getPort(), "-servername", HOST, "-CAfile", ca.toString(),
                "-verify_return_error", "-status"), "Q\n");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        return result.stdout();
    }

    private static double gauge(SimpleMeterRegistry metrics, String status) {
        return metrics.get("portcullis.operator.ocsp.staples").tag("status", status).gauge().value();
    }

    private static TlsCertificate served(Snapshot snapshot) {
        String name = snapshot.virtualHosts().stream().filter(host -> host.hostname().equals(HOST)).findFirst()
                .orElseThrow().certificate();
        return snapshot.certificates().stream().filter(certificate -> certificate.name().equals(name)).findFirst().orElseThrow();
    }

    private static Snapshot download(PublishedSnapshot published) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(published.gzippedJson()))) {
            return SnapshotCodec.fromJson(in.readAllBytes());
        }
    }

    private static ClusterState state(IssuedCertificate certificate) {
        return StandaloneIngressClass.ensure(new ClusterState(List.of(new IngressBuilder()
                .withNewMetadata().withName("shop").withNamespace("default").endMetadata()
                .withNewSpec().addNewTl().withHosts(HOST).withSecretName("shop-tls").endTl()
                .addNewRule().withHost(HOST).endRule().endSpec().build()), List.of(),
                List.of(new SecretBuilder().withNewMetadata().withName("shop-tls").withNamespace("default").endMetadata()
                        .withType("kubernetes.io/tls").withStringData(Map.of("tls.crt", certificate.chainPem(),
                                "tls.key", certificate.privateKeyPem())).build()), List.of(), List.of()));
    }
}
