package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.ServerSslContexts;
import dev.portcullis.dataplane.tls.UpstreamSslContexts;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot with many new certificates (parsed ahead, in parallel) compiles as one parsed one at a
 * time would: each host gets its own certificate, and each bad certificate is named as its own
 * problem while the configuration served stays.
 */
class CertificatesAheadTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("ahead CA", KeyType.EC_P256);
    private static final int HOSTS = 40; // past the threshold from which certificates are parsed ahead
    private static final IssuedCertificate GENERATED = CertificateAuthority.selfSigned("default", List.of("portcullis.invalid"));

    @Test
    void manyNewCertificatesEachServeTheirOwnHost() {
        List<IssuedCertificate> issued = issue(HOSTS);
        LiveConfig live = liveConfig();
        RuntimeConfig served = live.apply(snapshot(1, issued, List.of()));
        for (int i = 0; i < HOSTS; i++) {
            assertThat(served.certificateOf(host(i)).served().keyMaterial().leaf()).isEqualTo(issued.get(i).leaf());
        }
    }

    @Test
    void eachBadCertificateIsItsOwnProblemAndTheServedConfigurationStays() {
        List<IssuedCertificate> issued = issue(HOSTS);
        LiveConfig live = liveConfig();
        RuntimeConfig served = live.apply(snapshot(1, issued.subList(0, 2), List.of()));

        List<TlsCertificate> bad = List.of(
                new TlsCertificate("cert-7", issued.get(7).chainPem(), issued.get(8).privateKeyPem()),
                new TlsCertificate("cert-21", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                        issued.get(21).privateKeyPem()));
        assertThatThrownBy(() -> live.apply(snapshot(2, issued, bad))).isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("certificate \"cert-7\": the private key does not belong")
                .hasMessageContaining("certificate \"cert-21\"")
                .satisfies(e -> assertThat(e.getMessage().split("certificate \"")).as(e.getMessage()).hasSize(3));
        assertThat(live.current()).isSameAs(served);
    }

    private static LiveConfig liveConfig() {
        ServerSslContexts sslContexts = new ServerSslContexts();
        UpstreamSslContexts upstream = new UpstreamSslContexts();
        DataPlaneMetrics metrics = new DataPlaneMetrics();
        return new LiveConfig(new RuntimeCompiler(sslContexts, upstream,
                sslContexts.fromKeyMaterial(RuntimeCompiler.GENERATED_DEFAULT, GENERATED.keyMaterial()), metrics),
                sslContexts, upstream, metrics);
    }

    private static List<IssuedCertificate> issue(int count) {
        List<IssuedCertificate> issued = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            issued.add(CA.issueServer(List.of(host(i)), KeyType.EC_P256));
        }
        return issued;
    }

    /** A host per certificate, each with its own; {@code replaced} stand in for those of the same names. */
    private static Snapshot snapshot(long version, List<IssuedCertificate> issued, List<TlsCertificate> replaced) {
        List<VirtualHost> hosts = new ArrayList<>();
        List<TlsCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < issued.size(); i++) {
            String name = "cert-" + i;
            hosts.add(new VirtualHost(host(i), TlsMode.TERMINATE, name, List.of(new Route(PathMatch.prefix("/"), "web"))));
            certificates.add(replaced.stream().filter(certificate -> certificate.name().equals(name)).findFirst()
                    .orElse(new TlsCertificate(name, issued.get(i).chainPem(), issued.get(i).privateKeyPem())));
        }
        return SnapshotDiff.canonical(new Snapshot(version, hosts,
                List.of(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 8080)))), certificates, null));
    }

    private static String host(int i) {
        return "h-" + i + ".example.test";
    }
}
