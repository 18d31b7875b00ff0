import dev.portcullis.dataplane.config.*;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.translate.*;
import io.fabric8.kubernetes.api.model.*;
import io.fabric8.kubernetes.api.model.networking.v1.*;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.*;
import java.util.function.Supplier;
import java.util.zip.*;

/**
 * Where the time of one change goes at N TLS Ingresses, step by step, for the whole-snapshot path
 * and the delta path (median of 5 single-Ingress changes; a cold apply first). Run after packaging:
 *   java -Xmx3g -cp operator/target/portcullis.jar bench/DeltaBench.java 10000
 */
public class DeltaBench {
    static final CertificateAuthority CA = CertificateAuthority.create("h", CertificateAuthority.KeyType.EC_P256);

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        List<Ingress> ingresses = new ArrayList<>(); List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < n; i++) add(ingresses, secrets, "app-" + i);
        Service web = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build();
        ParsedSecrets memo = new ParsedSecrets();
        Map<String, List<Long>> t = new LinkedHashMap<>();
        try (DataPlaneServer fullPlane = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
             DataPlaneServer deltaPlane = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral())) {
            ClusterState state = StandaloneIngressClass.ensure(new ClusterState(ingresses, List.of(), secrets, List.of(web), List.of()));
            Snapshot previous = SnapshotDiff.canonical(IngressTranslator.translate(state, 1, Instant.now(), memo).snapshot());
            byte[] fullGz = gzip(SnapshotCodec.toJson(previous));
            long c0 = System.nanoTime();
            fullPlane.config().apply(SnapshotCodec.read(new GZIPInputStream(new ByteArrayInputStream(fullGz))));
            System.out.printf("%d TLS Ingresses: whole snapshot %d bytes JSON, %d gzipped; cold decode+apply %d ms%n", n,
                    SnapshotCodec.toJson(previous).length(), fullGz.length, (System.nanoTime() - c0) / 1_000_000);
            deltaPlane.config().apply(previous);
            Snapshot held = previous;
            for (int round = 0; round < 7; round++) {
                add(ingresses, secrets, "new-" + round);
                state = StandaloneIngressClass.ensure(new ClusterState(ingresses, List.of(), secrets, List.of(web), List.of()));
                ClusterState s = state;
                long version = round + 2;
                Translation translation = time(t, "1 translate (ParsedSecrets memo)", () -> IngressTranslator.translate(s, version, Instant.now(), memo));
                Snapshot snapshot = translation.snapshot();
                time(t, "2 validate", snapshot::validate);
                Snapshot previousContent = previous;
                time(t, "3a equals previous (whole path)", () -> snapshot.withVersion(0).equals(previousContent.withVersion(0)));
                byte[] full = time(t, "4a JSON + gzip whole", () -> gzip(SnapshotCodec.toJson(snapshot)));
                Snapshot decoded = time(t, "5a data plane gunzip + decode whole", () -> read(() -> SnapshotCodec.read(new GZIPInputStream(new ByteArrayInputStream(full)))));
                time(t, "6a data plane validate + compile + swap (whole)", () -> fullPlane.config().apply(decoded));
                Snapshot content = time(t, "3b canonical order", () -> SnapshotDiff.canonical(snapshot));
                SnapshotDelta delta = time(t, "3c diff", () -> SnapshotDiff.diff(previousContent, content));
                byte[] deltaGz = time(t, "4b JSON + gzip delta", () -> gzip(SnapshotDeltaCodec.toJson(delta)));
                Snapshot heldNow = held;
                Snapshot applied = time(t, "5b data plane gunzip + decode + apply delta", () -> SnapshotDiff.apply(heldNow, read(() -> SnapshotDeltaCodec.read(new GZIPInputStream(new ByteArrayInputStream(deltaGz))))));
                time(t, "6b data plane validate + compile + swap (after delta)", () -> deltaPlane.config().apply(applied));
                if (!applied.equals(content)) throw new IllegalStateException("delta lost something");
                held = applied;
                previous = content;
                if (round == 0) System.out.printf("one new Ingress: whole %d bytes gzipped, delta %d bytes gzipped (%s)%n", full.length, deltaGz.length, delta);
            }
        }
        t.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<Long> v = new ArrayList<>(e.getValue().subList(2, e.getValue().size())); Collections.sort(v);
            System.out.printf("  %-55s median %6.1f ms  (rounds 3-7: %s)%n", e.getKey(), v.get(v.size() / 2) / 1e6,
                    e.getValue().subList(2, e.getValue().size()).stream().map(x -> String.format("%.1f", x / 1e6)).toList());
        });
    }

    static void add(List<Ingress> ingresses, List<Secret> secrets, String name) {
        String host = name + ".example.test";
        IssuedCertificate c = CA.issueServer(List.of(host), CertificateAuthority.KeyType.EC_P256);
        secrets.add(new SecretBuilder().withNewMetadata().withName("tls-" + name).withNamespace("default").withResourceVersion("1").endMetadata()
            .withType("kubernetes.io/tls").withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(c.chainPem().getBytes()),
            "tls.key", Base64.getEncoder().encodeToString(c.privateKeyPem().getBytes()))).build());
        ingresses.add(new IngressBuilder().withNewMetadata().withName(name).withNamespace("default").withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
            .withNewSpec().addNewTl().withHosts(host).withSecretName("tls-" + name).endTl().addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
            .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build());
    }

    interface Step<T> { T run() throws Exception; }

    static <T> T time(Map<String, List<Long>> t, String step, Step<T> body) throws Exception {
        long t0 = System.nanoTime();
        T result = body.run();
        t.computeIfAbsent(step, k -> new ArrayList<>()).add(System.nanoTime() - t0);
        return result;
    }

    static <T> T read(Step<T> body) { try { return body.run(); } catch (Exception e) { throw new RuntimeException(e); } }

    static byte[] gzip(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) { out.write(json.getBytes(StandardCharsets.UTF_8)); }
        catch (IOException e) { throw new UncheckedIOException(e); }
        return bytes.toByteArray();
    }
}
