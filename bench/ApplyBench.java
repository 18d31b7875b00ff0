import dev.portcullis.dataplane.config.*;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import java.util.*;

/**
 * The data plane alone, applying single-host deltas at N TLS hosts (each with its own certificate), as
 * the control-plane channel does: SnapshotDiff.apply onto the snapshot held, then LiveConfig.apply
 * (validate, compile, swap, gauges). No operator work in the process, so the figure is not a young GC
 * of translation garbage (DeltaBench's step 6b is, often). Run after packaging:
 *   java -Xmx3g -cp operator/target/portcullis.jar bench/ApplyBench.java 10000 300 [handshake-all] [own-clusters]
 * With handshake-all, it also builds every host's TLS context after the cold apply (as first handshakes
 * to every host would) and reports the resident memory before and after. With own-clusters, each host
 * routes to a cluster of its own (one pod each), as bench row 10's Ingresses do; else all share one.
 */
public class ApplyBench {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        CertificateAuthority ca = CertificateAuthority.create("h", CertificateAuthority.KeyType.EC_P256);
        List<VirtualHost> hosts = new ArrayList<>();
        List<TlsCertificate> certificates = new ArrayList<>();
        List<String> options = Arrays.asList(args).subList(2, args.length);
        ownClusters = options.contains("own-clusters");
        List<Cluster> clusters = new ArrayList<>(List.of(cluster("web", 0)));
        for (int i = 0; i < n; i++) {
            hosts.add(host("app-" + i));
            if (ownClusters) {
                clusters.add(cluster("app-" + i, i));
            }
            certificates.add(certificate(ca, "app-" + i));
        }
        Snapshot held = SnapshotDiff.canonical(new Snapshot(1, hosts,
                clusters, certificates, null));
        try (DataPlaneServer plane = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral())) {
            long c0 = System.nanoTime();
            plane.config().apply(held);
            System.out.printf("%d TLS hosts: cold apply %d ms%n", n, (System.nanoTime() - c0) / 1_000_000);
            System.gc();
            System.out.printf("  RSS after the cold apply: %d MiB (heap used %d MiB)%n", rssMiB(), heapUsedMiB());
            if (options.contains("handshake-all")) {
                // As if every host had been asked for: builds each context a first handshake would (by reflection,
                // so that this file still runs against builds that built them all at apply).
                long b0 = System.nanoTime();
                for (VirtualHost host : hosts) {
                    Object routed = plane.config().current().hosts().findNamed(host.hostname());
                    Object tls = routed.getClass().getMethod("tls").invoke(routed);
                    tls.getClass().getMethod("get").invoke(tls);
                }
                System.gc();
                System.out.printf("  every host's context built in %d ms; RSS then: %d MiB (heap used %d MiB)%n",
                        (System.nanoTime() - b0) / 1_000_000, rssMiB(), heapUsedMiB());
            }
            long[] merge = new long[rounds];
            long[] apply = new long[rounds];
            long[] allocated = new long[rounds];
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            for (int r = 0; r < rounds; r++) {
                // Alternately a new host with its certificate, and a renewed certificate of an existing host.
                String name = r % 2 == 0 ? "new-" + r : "app-" + (r * 7919 % n);
                SnapshotDelta delta = new SnapshotDelta(held.version(), held.version() + 1,
                        r % 2 == 0 ? List.of(host(name)) : List.of(), List.of(),
                        r % 2 == 0 && ownClusters ? List.of(cluster(name, n + r)) : List.of(), List.of(),
                        List.of(certificate(ca, name)), List.of(), null, held.listener(), List.of());
                long t0 = System.nanoTime();
                Snapshot next = SnapshotDiff.apply(held, delta);
                long t1 = System.nanoTime();
                long bytes0 = threads.getCurrentThreadAllocatedBytes();
                plane.config().apply(next);
                allocated[r] = threads.getCurrentThreadAllocatedBytes() - bytes0;
                merge[r] = t1 - t0;
                apply[r] = System.nanoTime() - t1;
                held = next;
            }
            // The first deltas after a cold apply run before the JIT has compiled their paths: what a data plane's first changes cost.
            System.out.printf("  first deltas, SnapshotDiff.apply + LiveConfig.apply: %s ms%n", firstRounds(merge, apply));
            report("SnapshotDiff.apply (delta onto the snapshot held)", merge);
            report("LiveConfig.apply (validate + compile + swap)", apply);
            long[] kib = Arrays.stream(allocated).map(bytes -> bytes >> 10).toArray();
            long[] steady = Arrays.copyOfRange(kib, kib.length / 4, kib.length);
            Arrays.sort(steady);
            System.out.printf("  %-52s median %6d KiB (last %d of %d rounds)%n", "allocated by LiveConfig.apply",
                    steady[steady.length / 2], steady.length, kib.length);
            Runtime runtime = Runtime.getRuntime();
            System.out.printf("  RSS after %d deltas: %d MiB (heap used %d MiB, committed %d MiB, max %d MiB)%n", rounds,
                    rssMiB(), heapUsedMiB(), runtime.totalMemory() >> 20, runtime.maxMemory() >> 20);
        }
    }

    static long rssMiB() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS:")).map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
                .findFirst().orElse(-1L);
    }

    static long heapUsedMiB() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    }

    static String firstRounds(long[] merge, long[] apply) {
        StringJoiner rounds = new StringJoiner(", ");
        for (int r = 0; r < Math.min(5, merge.length); r++) {
            rounds.add(String.format("%.1f", (merge[r] + apply[r]) / 1e6));
        }
        return rounds.toString();
    }

    static void report(String step, long[] times) {
        long[] s = Arrays.copyOfRange(times, times.length / 4, times.length);
        Arrays.sort(s);
        System.out.printf("  %-52s median %6.2f ms, p90 %6.2f ms (last %d of %d rounds)%n", step, s[s.length / 2] / 1e6,
                s[s.length * 9 / 10] / 1e6, s.length, times.length);
    }

    static boolean ownClusters;

    static VirtualHost host(String name) {
        return new VirtualHost(name + ".example.test", TlsMode.TERMINATE, "default/tls-" + name,
                List.of(new Route(PathMatch.prefix("/"), clusterName(ownClusters ? name : "web"))), true);
    }

    static String clusterName(String name) {
        return "default/svc-" + name + ":80";
    }

    static Cluster cluster(String name, int i) {
        return new Cluster(clusterName(name), List.of(Endpoint.ready("10." + (1 + i / 62500) + "." + (i / 250 % 250) + "." + (i % 250 + 1), 80)));
    }

    static TlsCertificate certificate(CertificateAuthority ca, String name) {
        IssuedCertificate issued = ca.issueServer(List.of(name + ".example.test"), CertificateAuthority.KeyType.EC_P256);
        return new TlsCertificate("default/tls-" + name, issued.chainPem(), issued.privateKeyPem());
    }
}
