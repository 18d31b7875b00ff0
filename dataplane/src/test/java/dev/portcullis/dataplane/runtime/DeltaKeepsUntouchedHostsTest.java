package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A delta that touches one host rebuilds only that one: an untouched host keeps its compiled host
 * (routes, SslContext, cluster with its balancer) as the same instances, while the touched host gets
 * a new context for its new certificate, which a real handshake then receives.
 */
class DeltaKeepsUntouchedHostsTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("delta CA", KeyType.EC_P256);
    private static final String A = "a.delta.test";
    private static final String B = "b.delta.test";
    private static final IssuedCertificate A_CERT = CA.issueServer(List.of(A), KeyType.EC_P256);
    private static final IssuedCertificate B_FIRST = CA.issueServer(List.of(B), KeyType.EC_P256);
    private static final IssuedCertificate B_RENEWED = CA.issueServer(List.of(B), KeyType.EC_P256);

    @Test
    void anUntouchedHostKeepsItsCompiledPiecesAndATouchedOneIsRebuilt() throws Exception {
        Snapshot first = SnapshotDiff.canonical(new Snapshot(1,
                List.of(host(A, "a-cert", prefix("/", "a-pods")), host(B, "b-cert", prefix("/", "b-pods"))),
                List.of(new Cluster("a-pods", List.of(Endpoint.ready("127.0.0.1", 9))),
                        new Cluster("b-pods", List.of(Endpoint.ready("127.0.0.1", 9)))),
                List.of(certificate("a-cert", A_CERT), certificate("b-cert", B_FIRST)), null));
        try (TestDataPlane dataPlane = TestDataPlane.serving(first)) {
            RuntimeConfig before = dataPlane.server().config().current();
            assertThat(RawTlsClient.servedCertificate(dataPlane.httpsPort(), B).getSerialNumber())
                    .isEqualTo(B_FIRST.leaf().getSerialNumber());

            // The delta an operator sends when B's Secret is renewed and B's route moves to another path.
            Snapshot second = SnapshotDiff.canonical(new Snapshot(2,
                    List.of(host(A, "a-cert", prefix("/", "a-pods")), host(B, "b-cert", prefix("/v2", "b-pods"))),
                    first.clusters(), List.of(certificate("a-cert", A_CERT), certificate("b-cert", B_RENEWED)), null));
            SnapshotDelta delta = SnapshotDiff.diff(first, second);
            assertThat(delta.size()).isEqualTo(2);
            dataPlane.server().config().apply(SnapshotDiff.apply(first, delta));
            RuntimeConfig after = dataPlane.server().config().current();

            assertThat(after.version()).isEqualTo(2);
            assertThat(after.hosts().findNamed(A)).as("untouched host").isSameAs(before.hosts().findNamed(A));
            assertThat(after.hosts().findNamed(A).tls()).isSameAs(before.hosts().findNamed(A).tls());
            assertThat(after.clusters().get("a-pods")).isSameAs(before.clusters().get("a-pods"));
            assertThat(after.hosts().findNamed(B)).as("touched host").isNotSameAs(before.hosts().findNamed(B));
            assertThat(after.hosts().findNamed(B).tls()).isNotSameAs(before.hosts().findNamed(B).tls());
            assertThat(RawTlsClient.servedCertificate(dataPlane.httpsPort(), B).getSerialNumber())
                    .isEqualTo(B_RENEWED.leaf().getSerialNumber());
            assertThat(RawTlsClient.servedCertificate(dataPlane.httpsPort(), A).getSerialNumber())
                    .isEqualTo(A_CERT.leaf().getSerialNumber());

            // A listener-wide change touches every host.
            Snapshot third = second.withVersion(3).withListener(new dev.portcullis.dataplane.config.ListenerSettings("1.3",
                    dev.portcullis.dataplane.config.Limits.DEFAULTS));
            dataPlane.server().config().apply(SnapshotDiff.apply(SnapshotDiff.apply(first, delta), SnapshotDiff.diff(second, third)));
            assertThat(dataPlane.server().config().current().hosts().findNamed(A)).isNotSameAs(after.hosts().findNamed(A));
        }
    }
}
