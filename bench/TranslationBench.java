import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.translate.*;
import io.fabric8.kubernetes.api.model.*;
import io.fabric8.kubernetes.api.model.networking.v1.*;
import io.fabric8.kubernetes.api.model.discovery.v1.*;
import java.time.Instant;
import java.util.*;

/**
 * Control-plane benchmark: translates N Ingresses, each with its own TLS Secret, six times, with and
 * without the ParsedSecrets memo, and prints the milliseconds per translation. Run after `./mvnw package`:
 *   java -cp operator/target/portcullis.jar bench/TranslationBench.java 5000
 */
public class TranslationBench {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        CertificateAuthority ca = CertificateAuthority.create("h", CertificateAuthority.KeyType.EC_P256);
        List<Ingress> ingresses = new ArrayList<>(); List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String host = "app-" + i + ".example.test";
            IssuedCertificate c = ca.issueServer(List.of(host), CertificateAuthority.KeyType.EC_P256);
            secrets.add(new SecretBuilder().withNewMetadata().withName("tls-" + i).withNamespace("default").withResourceVersion("1").endMetadata()
                .withType("kubernetes.io/tls").withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(c.chainPem().getBytes()),
                "tls.key", Base64.getEncoder().encodeToString(c.privateKeyPem().getBytes()))).build());
            ingresses.add(new IngressBuilder().withNewMetadata().withName("app-" + i).withNamespace("default").withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
                .withNewSpec().addNewTl().withHosts(host).withSecretName("tls-" + i).endTl().addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build());
        }
        Service web = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build();
        ClusterState state = StandaloneIngressClass.ensure(new ClusterState(ingresses, List.of(), secrets, List.of(web), List.of()));
        for (String mode : List.of("fresh parse each time", "memo (ParsedSecrets)")) {
            ParsedSecrets memo = new ParsedSecrets();
            long[] times = new long[6];
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                Translation t = IngressTranslator.translate(state, round, Instant.now(), mode.startsWith("memo") ? memo : new ParsedSecrets());
                times[round] = (System.nanoTime() - t0) / 1_000_000;
                if (t.snapshot().virtualHosts().size() != n) throw new IllegalStateException("hosts " + t.snapshot().virtualHosts().size());
            }
            System.out.println(n + " TLS Ingresses, " + mode + ": translation ms per round " + Arrays.toString(times));
        }
    }
}
