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
 * without the ParsedSecrets memo, and prints the milliseconds per translation. With a second argument C,
 * then C changes as the publisher makes them (one new Ingress each: state, translation with the memo,
 * canonical order, diff and merge, validation of what changed), and the mean of each step over the
 * last half, first with full translations, then with the IncrementalTranslator the publisher uses. Run after `./mvnw package`:
 *   java -cp operator/target/portcullis.jar bench/TranslationBench.java 5000 [40 [own-services]]
 * own-services: each Ingress has its own Service and EndpointSlice, as bench row 10 makes them; then
 * also C changes of one EndpointSlice each (a pod replaced), the commonest change in a cluster.
 */
public class TranslationBench {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        CertificateAuthority ca = CertificateAuthority.create("h", CertificateAuthority.KeyType.EC_P256);
        List<Ingress> ingresses = new ArrayList<>(); List<Secret> secrets = new ArrayList<>();
        boolean ownServices = args.length > 2 && args[2].equals("own-services");
        List<Service> services = new ArrayList<>(); List<EndpointSlice> slices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String host = "app-" + i + ".example.test";
            IssuedCertificate c = ca.issueServer(List.of(host), CertificateAuthority.KeyType.EC_P256);
            secrets.add(new SecretBuilder().withNewMetadata().withName("tls-" + i).withNamespace("default").withResourceVersion("1").endMetadata()
                .withType("kubernetes.io/tls").withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(c.chainPem().getBytes()),
                "tls.key", Base64.getEncoder().encodeToString(c.privateKeyPem().getBytes()))).build());
            ingresses.add(new IngressBuilder().withNewMetadata().withName("app-" + i).withNamespace("default").withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
                .withNewSpec().addNewTl().withHosts(host).withSecretName("tls-" + i).endTl().addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName(ownServices ? "svc-" + i : "web").withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build());
            if (ownServices) { // as bench row 10 makes them: a Service and an EndpointSlice per Ingress
                services.add(service("svc-" + i));
                slices.add(new EndpointSliceBuilder().withNewMetadata().withName("svc-" + i + "-1").withNamespace("default")
                    .withLabels(Map.of("kubernetes.io/service-name", "svc-" + i)).endMetadata().withAddressType("IPv4")
                    .addNewEndpoint().withAddresses("10.1." + (i / 250) + "." + (i % 250 + 1)).withNewConditions().withReady(true).endConditions().endEndpoint()
                    .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build());
            }
        }
        Service web = service("web");
        services.add(web);
        ClusterState state = StandaloneIngressClass.ensure(new ClusterState(ingresses, List.of(), secrets, services, slices));
        if (args.length > 1) {
            for (boolean incremental : new boolean[] {false, true}) {
                changes(ingresses, secrets, services, slices, Integer.parseInt(args[1]), incremental, false);
            }
            if (ownServices) { // the commonest change in a cluster: a pod comes or goes, one EndpointSlice changes
                for (boolean incremental : new boolean[] {false, true}) {
                    changes(ingresses, secrets, services, slices, Integer.parseInt(args[1]), incremental, true);
                }
            }
            return;
        }
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

    /** One new Ingress per round, through the publisher's steps; prints each step's mean over the last half. */
    static Service service(String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata().withNewSpec()
            .addNewPort().withName("http").withPort(80).withNewTargetPort("http").endPort().endSpec().build();
    }

    static void changes(List<Ingress> ingresses, List<Secret> secrets, List<Service> services, List<EndpointSlice> slices, int rounds,
                        boolean incremental, boolean endpointChurn) {
        ParsedSecrets memo = new ParsedSecrets();
        IncrementalTranslator translator = new IncrementalTranslator();
        var secretIndex = ClusterState.Indexed.of(secrets);
        var serviceIndex = ClusterState.Indexed.of(services);
        var sliceIndex = ClusterState.Slices.of(slices);
        dev.portcullis.dataplane.config.Snapshot last = null;
        Instant start = Instant.now(); // one instant: a full translation follows a minute of the clock
        long[] sum = new long[5];
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            if (endpointChurn) { // one slice's pod replaced; the watch indexes that kind again
                List<EndpointSlice> churned = new ArrayList<>(slices);
                int i = (round * 7919) % slices.size();
                churned.set(i, new EndpointSliceBuilder(slices.get(i)).editFirstEndpoint().withAddresses("10.2." + (round / 250) + "."
                    + (round % 250 + 1)).endEndpoint().build());
                slices = churned;
                t0 = System.nanoTime();
                sliceIndex = ClusterState.Slices.of(slices);
            } else {
            List<Ingress> more = new ArrayList<>(ingresses);
            more.add(new IngressBuilder().withNewMetadata().withName("new-" + round).withNamespace("default")
                .withCreationTimestamp("2026-01-02T00:00:00Z").endMetadata().withNewSpec().addNewRule()
                .withHost("new-" + round + ".example.test").withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
                .endBackend().endPath().endHttp().endRule().endSpec().build());
            ingresses = more;
            t0 = System.nanoTime();
            }
            // As the operator's watch builds it: only the Ingresses changed, so the other kinds' indexes are reused.
            ClusterState state = StandaloneIngressClass.ensure(new ClusterState(ingresses, List.of(), secretIndex, serviceIndex,
                sliceIndex, List.of()));
            long t1 = System.nanoTime();
            Translation translation = incremental ? translator.translate(state, round + 1, start, memo, OcspStaples.NONE)
                : IngressTranslator.translate(state, round + 1, start, memo);
            long t2 = System.nanoTime();
            var content = dev.portcullis.dataplane.config.SnapshotDiff.canonical(translation.snapshot());
            long t3 = System.nanoTime();
            if (last != null) {
                var delta = dev.portcullis.dataplane.config.SnapshotDiff.diff(last, content);
                content = dev.portcullis.dataplane.config.SnapshotDiff.apply(last, delta);
                long t4 = System.nanoTime();
                var problems = dev.portcullis.dataplane.runtime.SnapshotValidation.problemsAfter(last, content);
                long t5 = System.nanoTime();
                if (!problems.isEmpty()) throw new IllegalStateException(problems.toString());
                if (round >= rounds / 2) { sum[0] += t1 - t0; sum[1] += t2 - t1; sum[2] += t3 - t2; sum[3] += t4 - t3; sum[4] += t5 - t4; }
            }
            last = content;
        }
        int k = rounds - rounds / 2;
        System.out.printf("%s: %d TLS Ingresses (%d Services), %s per change, ms (mean of the last %d of %d): state %.1f,"
            + " translation %.1f, canonical order %.1f, diff and merge %.1f, validation %.1f%n",
            incremental ? "incremental (" + translator.partialTranslations() + " partial, " + translator.fullTranslations() + " full)"
                : "full translations", secrets.size(), services.size(),
            endpointChurn ? "one EndpointSlice's pod replaced" : "one new Ingress", k, rounds,
            sum[0] / 1e6 / k, sum[1] / 1e6 / k, sum[2] / 1e6 / k, sum[3] / 1e6 / k, sum[4] / 1e6 / k);
    }
}
