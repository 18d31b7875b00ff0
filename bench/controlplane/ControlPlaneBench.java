import dev.portcullis.testkit.KubeBinaries;
import dev.portcullis.testkit.NetworkNamespaceHost;
import dev.portcullis.testkit.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Control-plane benchmark (bench/run row 10): N TLS Ingresses on a real API server, the operator
 * and one data plane as separate JVMs with the chart's flags; measures cold start to every host
 * served, the latency of single changes (new Ingresses, edited backends) until a real HTTPS request
 * gets the new answer, the bytes on the wire per change, and both processes' RSS.
 *
 *   java -cp testkit/target/classes:$(cat testkit/target/testkit.classpath):operator/target/portcullis.jar \
 *        bench/controlplane/ControlPlaneBench.java N CHANGES RESULT.md
 */
public class ControlPlaneBench {

    static final long PHASE_SECONDS = Long.parseLong(System.getenv().getOrDefault("CP_PHASE_SECONDS", "600"));

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int changes = Integer.parseInt(args[1]);
        Path result = Path.of(args[2]);
        Path root = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("portcullis-cpbench-");
        Report report = new Report(n, changes);
        List<AutoCloseable> open = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread interrupted = new Thread(() -> closeAll(open)); // Ctrl-C: no process or namespace left behind
        Runtime.getRuntime().addShutdownHook(interrupted);
        boolean finished = false;
        try {
            run(n, changes, root, work, report, open);
            finished = true;
        } catch (Exception e) {
            report.stopped(e.getMessage() + " (logs kept in " + work + ")");
            throw e;
        } finally {
            closeAll(open);
            Runtime.getRuntime().removeShutdownHook(interrupted);
            if (finished && System.getenv("CP_KEEP_WORK") == null) {
                try (var paths = Files.walk(work)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            Files.writeString(result, report.markdown());
            System.out.println(report.markdown());
            System.out.println("ROW10 " + report.summary());
        }
    }

    private static void closeAll(List<AutoCloseable> open) {
        List<AutoCloseable> closing;
        synchronized (open) {
            closing = new ArrayList<>(open.reversed());
            open.clear();
        }
        for (AutoCloseable closeable : closing) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("closing " + closeable + ": " + e);
            }
        }
    }

    private static void run(int n, int changes, Path root, Path work, Report report, List<AutoCloseable> open)
            throws Exception {
        RealApiServer server = RealApiServer.start(KubeBinaries.locate(), RealApiServer.Options.defaults());
        open.add(server);
        NetworkNamespaceHost backendHost = NetworkNamespaceHost.create();
        open.add(backendHost);
        Path operatorJar = root.resolve("operator/target/portcullis.jar");
        backendHost.start(List.of(ChartProcesses.java().toString(), "-cp", operatorJar.toString(),
                root.resolve("bench/controlplane/EchoBackends.java").toString(),
                String.valueOf(ClusterObjects.PORT_A), "echo-a", String.valueOf(ClusterObjects.PORT_B), "echo-b"),
                work.resolve("echo.log"));
        awaitListening(backendHost.address(), ClusterObjects.PORT_B);

        KubernetesClient client = server.adminClient();
        open.add(client);
        ClusterObjects objects = new ClusterObjects(client, backendHost.address());
        objects.createNamespace(ChartProcesses.NAMESPACE);
        objects.createNamespace(ClusterObjects.APPS);
        RealApiServer.installCrds(client, root.resolve("crds/dataplanes.portcullis.dev-v1.yml"));
        client.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata()
                .withName(ClusterObjects.CLASS).endMetadata().withNewSpec()
                .withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        client.load(new ByteArrayInputStream(ChartProcesses.DATAPLANE_YAML.getBytes(StandardCharsets.UTF_8))).create();

        long created = System.nanoTime();
        List<List<HasMetadata>> groups = new ArrayList<>(IntStream.range(0, n)
                .mapToObj(i -> objects.ingressWithAll("h" + i)).toList());
        groups.add(objects.alternateBackend());
        // The Secrets of the Ingresses the change phase creates exist beforehand: each change is one Ingress.
        IntStream.range(0, changes).forEach(i -> groups.add(List.of(objects.secret("new" + i))));
        ClusterObjects.createAll(client, groups, 32);
        report.created(System.nanoTime() - created);
        System.err.printf("created %d Ingresses with their Secrets, Services and EndpointSlices in %d s%n", n,
                (System.nanoTime() - created) / 1_000_000_000);

        Path kubeconfig = work.resolve("kubeconfig");
        Files.writeString(kubeconfig, server.adminKubeconfig());
        int channelPort = freePort();
        int operatorMetrics = freePort();
        WatchedProcess operator = WatchedProcess.start(ChartProcesses.operator(operatorJar, channelPort, operatorMetrics),
                ChartProcesses.operatorEnvironment(kubeconfig), work.resolve("operator.log"));
        open.add(operator);
        long t0 = operator.startedNanos();
        CountingRelay relay = CountingRelay.to(channelPort);
        open.add(relay);

        // As a pod's Secret volume: the data plane starts once the operator has issued its client certificate.
        Path clientCert = work.resolve("client-cert");
        Files.createDirectories(clientCert);
        Secret secret = client.secrets().inNamespace(ChartProcesses.NAMESPACE).withName("portcullis-operator-client-cert")
                .waitUntilCondition(s -> s != null && s.getData() != null, PHASE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        for (Map.Entry<String, String> entry : secret.getData().entrySet()) {
            Files.write(clientCert.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
        }
        int https = freePort();
        int admin = freePort();
        WatchedProcess dataPlane = WatchedProcess.start(ChartProcesses.dataPlane(root.resolve("dataplane/target/portcullis-dataplane.jar"),
                        "https://127.0.0.1:" + relay.port(), clientCert, freePort(), https, admin),
                ChartProcesses.dataPlaneEnvironment(), work.resolve("dataplane.log"));
        open.add(dataPlane);
        report.note("data plane started " + (dataPlane.startedNanos() - t0) / 1_000_000
                + " ms after the operator, when its client certificate Secret existed");

        Runnable alive = () -> {
            operator.requireAlive("the operator");
            dataPlane.requireAlive("the data plane");
        };
        HostProbe probe = new HostProbe(objects.ca().certificate(), https);
        List<String> hosts = IntStream.range(0, n).mapToObj(i -> ClusterObjects.host("h" + i)).toList();
        long deadline = System.nanoTime() + PHASE_SECONDS * 1_000_000_000L;
        // Cold start: until a sample of hosts (the first, the last, 50 at random) all answer. A sweep of
        // every host is the proof, timed on its own: 10,000 client handshakes would weigh on the figure.
        List<String> sample = new ArrayList<>(List.of(hosts.getFirst(), hosts.getLast()));
        new java.util.Random(18).ints(50, 0, n).mapToObj(hosts::get).forEach(sample::add);
        // Until the data plane has a snapshot its TLS port may hold a handshake open: probes wait for /readyz.
        while (!Metrics.ready(admin) && System.nanoTime() < deadline) {
            alive.run();
            dataPlane.awaitSnapshotLine(dataPlane.snapshotLines(), 100);
        }
        int sampleMissing = probe.sweep(sample, "echo-a", 4, dataPlane, alive, deadline);
        long sampleServed = System.nanoTime();
        int missing = sampleMissing > 0 ? n : probe.sweep(hosts, "echo-a", 4, dataPlane, alive, deadline);
        report.coldStart(sampleServed - t0, dataPlane.firstServedNanos(n, t0), System.nanoTime() - sampleServed, missing);
        report.rss("after the cold start", operator.rssMiB(), dataPlane.rssMiB(), server.residentMemory());
        if (missing > 0) {
            throw new IllegalStateException(missing + " hosts never answered");
        }

        long bytesBefore = relay.bytesToDataPlane();
        long upBefore = relay.bytesToOperator();
        long connectionsBefore = relay.connections();
        Double metricBefore = Metrics.dataPlaneReceivedBytes(admin);
        for (int i = 0; i < changes; i++) {
            String name = "new" + i;
            long started = System.nanoTime();
            ClusterObjects.createAll(client, List.of(List.of(objects.ingress(name, "svc-h" + (i % n)))), 1);
            long served = awaitServed(probe, dataPlane, alive, ClusterObjects.host(name), "echo-a", started);
            report.create(served - started, operator.firstPublishedAfter(started), dataPlane.firstServingAfter(started));
        }
        for (int i = 0; i < changes; i++) {
            String name = "h" + (long) i * n / changes;
            long started = System.nanoTime();
            objects.switchBackend(name);
            long served = awaitServed(probe, dataPlane, alive, ClusterObjects.host(name), "echo-b", started);
            report.edit(served - started, operator.firstPublishedAfter(started), dataPlane.firstServingAfter(started));
        }
        report.bytes(relay.bytesToDataPlane() - bytesBefore, relay.bytesToOperator() - upBefore,
                relay.connections() - connectionsBefore, 2 * changes, metricBefore, Metrics.dataPlaneReceivedBytes(admin));
        report.rss("after " + 2 * changes + " changes", operator.rssMiB(), dataPlane.rssMiB(), server.residentMemory());
        report.note("operator: " + Metrics.operatorTranslation(operatorMetrics));
        report.timelines();
        if (NativeMemory.ON) {
            report.note("operator native memory (CP_NMT=1): " + NativeMemory.summary(operator.pid()));
            report.note("data plane native memory (CP_NMT=1): " + NativeMemory.summary(dataPlane.pid()));
        }
    }

    /** Probes {@code host} after each line about a snapshot (at least every 100 ms) until it answers; the time it did. */
    private static long awaitServed(HostProbe probe, WatchedProcess dataPlane, Runnable alive, String host, String backend,
                                    long started) throws InterruptedException {
        long deadline = started + PHASE_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            alive.run();
            long seen = dataPlane.snapshotLines();
            if (probe.served(host, backend)) {
                return System.nanoTime();
            }
            dataPlane.awaitSnapshotLine(seen, 100);
        }
        throw new IllegalStateException(host + " not served by " + backend + " within " + PHASE_SECONDS + " s");
    }

    private static void awaitListening(String address, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 500);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the echo backend at " + address + ":" + port + " did not start");
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
