package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
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
 * A first snapshot with many certificates (enough to build them on every core first) serves each
 * host its own certificate, and a broken one among them is still refused by name, with nothing of
 * the key in the message.
 */
class CertificatePrebuildTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("prebuild CA", KeyType.EC_P256);
    private static final int HOSTS = CertificatePrebuild.FROM + 16;

    @Test
    void manyNewCertificatesAreEachServedForTheirOwnHost() {
        List<IssuedCertificate> issued = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            issued.add(CA.issueServer(List.of(host(i)), KeyType.EC_P256));
        }
        ServerSslContexts sslContexts = new ServerSslContexts();
        RuntimeConfig config = compiler(sslContexts).compile(snapshot(issued, -1), null);

        for (int i = 0; i < HOSTS; i++) {
            ServedCertificateOf served = config.certificateOf(host(i));
            assertThat(served.origin()).as(host(i)).isEqualTo(ServedCertificateOf.Origin.OWN);
            assertThat(served.served().keyMaterial().leaf()).as(host(i)).isEqualTo(issued.get(i).leaf());
        }
        assertThat(sslContexts.size()).as("one context per certificate, and the generated default").isEqualTo(HOSTS + 1);
    }

    @Test
    void aBrokenCertificateAmongManyIsRefusedByName() {
        List<IssuedCertificate> issued = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            issued.add(CA.issueServer(List.of(host(i)), KeyType.EC_P256));
        }
        int broken = HOSTS / 2;
        assertThatThrownBy(() -> compiler(new ServerSslContexts()).compile(snapshot(issued, broken), null))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("certificate \"cert-" + broken + "\"")
                .hasMessageNotContaining("PRIVATE KEY");
    }

    private static Snapshot snapshot(List<IssuedCertificate> issued, int brokenIndex) {
        List<VirtualHost> hosts = new ArrayList<>();
        List<TlsCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < issued.size(); i++) {
            hosts.add(new VirtualHost(host(i), TlsMode.TERMINATE, "cert-" + i, List.of(new Route(PathMatch.prefix("/"), "web"))));
            // Broken: another certificate's key under this chain.
            String key = i == brokenIndex ? issued.get((i + 1) % issued.size()).privateKeyPem() : issued.get(i).privateKeyPem();
            certificates.add(new TlsCertificate("cert-" + i, issued.get(i).chainPem(), key));
        }
        return new Snapshot(1, hosts, List.of(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 8080)))), certificates, null);
    }

    private static String host(int i) {
        return "h-" + i + ".example.test";
    }

    private static RuntimeCompiler compiler(ServerSslContexts sslContexts) {
        IssuedCertificate generated = CertificateAuthority.selfSigned("default", List.of("portcullis.invalid"));
        return new RuntimeCompiler(sslContexts, new UpstreamSslContexts(),
                sslContexts.fromKeyMaterial(RuntimeCompiler.GENERATED_DEFAULT, generated.keyMaterial()), new DataPlaneMetrics());
    }
}
