package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
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
import dev.portcullis.dataplane.tls.StapledSslContext;
import dev.portcullis.dataplane.tls.UpstreamSslContexts;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A configuration compiled from a delta, which keeps the hosts it did not touch, serves what a full
 * compile of the same snapshot serves: over random chains of valid edits (hosts, clusters and
 * certificates added, replaced, removed; OCSP staples, {@code keepServing}, RSA beside ECDSA, the
 * default certificate and listener settings changed), the same host lookups, routes, certificates (by
 * content and origin), expiries and content keys. Untouched hosts stay the same instances; a refused
 * delta leaves the configuration served and what the next one is compared with.
 */
class IncrementalCompileTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("incremental CA", KeyType.EC_P256);
    private static final List<IssuedCertificate> ISSUED = List.of(
            CA.issueServer(List.of("a.example.test"), KeyType.EC_P256), CA.issueServer(List.of("b.example.test"), KeyType.EC_P256),
            CA.issueServer(List.of("c.example.test"), KeyType.EC_P256), CA.issueServer(List.of("d.example.test"), KeyType.RSA_2048));
    private static final IssuedCertificate GENERATED = CertificateAuthority.selfSigned("default", List.of("portcullis.invalid"));

    @Test
    void aDeltaCompilesToWhatAFullCompileServes() {
        for (int seed = 0; seed < 80; seed++) {
            Random random = new Random(seed);
            RuntimeCompiler incremental = compiler();
            Snapshot snapshot = SnapshotDiff.canonical(snapshot(random, 1));
            RuntimeConfig served = incremental.compile(snapshot, null);
            for (int step = 0; step < 12; step++) {
                Snapshot next = SnapshotDiff.apply(snapshot, SnapshotDiff.diff(snapshot,
                        SnapshotDiff.canonical(edit(random, snapshot))));
                RuntimeConfig fromDelta = incremental.compile(next, served);
                RuntimeConfig full = compiler().compile(next, served);
                assertThat(view(fromDelta, next)).as("seed %d step %d", seed, step).isEqualTo(view(full, next));
                snapshot = next;
                served = fromDelta;
            }
        }
    }

    /**
     * What the data plane does after the swap from a delta's changes alone (expiry and endpoint
     * gauges, stapled and kept counts) leaves the meters as applying each snapshot whole, with the
     * same history ({@code keepServing} depends on it), would.
     */
    @Test
    void metersAfterAChainOfDeltasAreWhatApplyingEachSnapshotWholeGives() {
        int fromDeltas = 0;
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            DataPlaneMetrics deltaMetrics = new DataPlaneMetrics();
            LiveConfig live = liveConfig(deltaMetrics);
            // Two data planes with one compiler: each is served a configuration the compiler did not compile last,
            // so each compiles every snapshot whole.
            DataPlaneMetrics wholeMetrics = new DataPlaneMetrics();
            ServerSslContexts sslContexts = new ServerSslContexts();
            UpstreamSslContexts upstream = new UpstreamSslContexts();
            RuntimeCompiler shared = new RuntimeCompiler(sslContexts, upstream,
                    sslContexts.fromKeyMaterial(RuntimeCompiler.GENERATED_DEFAULT, GENERATED.keyMaterial()), wholeMetrics);
            LiveConfig whole = new LiveConfig(shared, sslContexts, upstream, wholeMetrics);
            LiveConfig other = new LiveConfig(shared, sslContexts, upstream, new DataPlaneMetrics());
            Snapshot snapshot = SnapshotDiff.canonical(snapshot(random, 1));
            live.apply(snapshot);
            other.apply(snapshot);
            whole.apply(snapshot);
            for (int step = 0; step < 12; step++) {
                Snapshot next = SnapshotDiff.apply(snapshot, SnapshotDiff.diff(snapshot,
                        SnapshotDiff.canonical(edit(random, snapshot))));
                if (live.apply(next).changes() != null) {
                    fromDeltas++;
                }
                other.apply(next);
                assertThat(whole.apply(next).changes()).as("compiled whole").isNull();
                assertThat(meters(deltaMetrics)).as("seed %d step %d", seed, step).isEqualTo(meters(wholeMetrics));
                snapshot = next;
            }
        }
        assertThat(fromDeltas).as("configurations compiled from the delta, of 480").isGreaterThan(200);
    }

    private static LiveConfig liveConfig(DataPlaneMetrics metrics) {
        ServerSslContexts sslContexts = new ServerSslContexts();
        UpstreamSslContexts upstream = new UpstreamSslContexts();
        return new LiveConfig(new RuntimeCompiler(sslContexts, upstream,
                sslContexts.fromKeyMaterial(RuntimeCompiler.GENERATED_DEFAULT, GENERATED.keyMaterial()), metrics),
                sslContexts, upstream, metrics);
    }

    private static List<String> meters(DataPlaneMetrics metrics) {
        return metrics.scrape().lines()
                .filter(line -> line.startsWith("portcullis_ssl_expire_time_seconds{")
                        || line.startsWith("portcullis_certificate_expiry_timestamp_seconds{")
                        || line.startsWith("portcullis_cluster_healthy_endpoints{")
                        || line.startsWith("portcullis_ocsp_stapled_certificates ")
                        || line.startsWith("portcullis_certificates_kept{"))
                .sorted().toList();
    }

    @Test
    void untouchedHostsStayTheSameInstancesAndTouchedOnesAreRebuilt() {
        RuntimeCompiler compiler = compiler();
        List<VirtualHost> hosts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hosts.add(new VirtualHost("h-" + i + ".example.test", TlsMode.TERMINATE, "cert-" + (i % 3),
                    List.of(new Route(PathMatch.prefix("/"), "c-" + (i % 2)))));
        }
        Snapshot first = SnapshotDiff.canonical(new Snapshot(1, hosts, List.of(cluster(0, 1), cluster(1, 1)),
                List.of(certificate(0, 0), certificate(1, 1), certificate(2, 2)), null));
        RuntimeConfig before = compiler.compile(first, null);

        // cert-1 renewed (h-1, h-4) and cluster c-0 scaled (h-0, h-2, h-4): the others stay as they are.
        Snapshot second = SnapshotDiff.apply(first, SnapshotDiff.diff(first, new Snapshot(2, first.virtualHosts(),
                List.of(cluster(0, 2), first.clusters().get(1)),
                List.of(first.certificates().get(0), certificate(1, 2), first.certificates().get(2)), null)));
        RuntimeConfig after = compiler.compile(second, before);
        for (int i = 0; i < 6; i++) {
            String name = "h-" + i + ".example.test";
            boolean touched = i == 1 || i == 4 || i % 2 == 0;
            if (touched) {
                assertThat(after.hosts().findNamed(name)).as(name).isNotSameAs(before.hosts().findNamed(name));
            } else {
                assertThat(after.hosts().findNamed(name)).as(name).isSameAs(before.hosts().findNamed(name));
            }
        }
        assertThat(after.certificateOf("h-1.example.test").served().keyMaterial().leaf())
                .isEqualTo(ISSUED.get(2).leaf());
        assertThat(view(after, second)).isEqualTo(view(compiler().compile(second, before), second));
    }

    @Test
    void anInvalidDeltaIsRefusedAndTheServedConfigurationStays() {
        DataPlaneMetrics metrics = new DataPlaneMetrics();
        LiveConfig live = liveConfig(metrics);
        Snapshot first = SnapshotDiff.canonical(new Snapshot(1, List.of(
                new VirtualHost("a.example.test", TlsMode.TERMINATE, "cert-0", List.of(new Route(PathMatch.prefix("/"), "c-0"))),
                new VirtualHost("b.example.test", TlsMode.TERMINATE, "cert-1", List.of(new Route(PathMatch.prefix("/"), "c-0")))),
                List.of(cluster(0, 1)), List.of(certificate(0, 0), certificate(1, 1)), null));
        RuntimeConfig served = live.apply(first);

        // The delta removes cluster c-0, which both hosts still route to: nothing else changed.
        Snapshot broken = SnapshotDiff.apply(first, SnapshotDiff.diff(first, new Snapshot(2, first.virtualHosts(),
                List.of(), first.certificates(), null)));
        assertThatThrownBy(() -> live.apply(broken)).isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("names cluster \"c-0\", which does not exist");
        assertThat(live.current()).isSameAs(served);

        // The next delta is compared with what is served, not with the refused one.
        Snapshot renewed = SnapshotDiff.apply(first, SnapshotDiff.diff(first, new Snapshot(2, first.virtualHosts(),
                first.clusters(), List.of(first.certificates().get(0), certificate(1, 2)), null)));
        RuntimeConfig next = live.apply(renewed);
        assertThat(next.hosts().findNamed("a.example.test")).isSameAs(served.hosts().findNamed("a.example.test"));
        assertThat(next.certificateOf("b.example.test").served().keyMaterial().leaf()).isEqualTo(ISSUED.get(2).leaf());
        assertThat(metrics.scrape()).contains("portcullis_ssl_expire_time_seconds{certificate=\"cert-1\",host=\"b.example.test\"}");
    }

    private static RuntimeCompiler compiler() {
        ServerSslContexts sslContexts = new ServerSslContexts();
        return new RuntimeCompiler(sslContexts, new UpstreamSslContexts(),
                sslContexts.fromKeyMaterial(RuntimeCompiler.GENERATED_DEFAULT, GENERATED.keyMaterial()), new DataPlaneMetrics());
    }

    /** What a configuration serves, by value: the same for two compiles of one snapshot. */
    private static List<String> view(RuntimeConfig config, Snapshot snapshot) {
        List<String> lines = new ArrayList<>();
        lines.add("version " + config.version() + ", default " + served(config.defaultCertificate()) + " "
                + config.defaultTlsPolicyKey() + ", stapled " + (config.defaultTls().get() instanceof StapledSslContext));
        lines.add("content keys " + new java.util.TreeSet<>(config.certificateContentKeys()));
        lines.add("expiries " + config.certificateExpiries().stream().map(Object::toString).sorted().toList());
        lines.add("kept places " + new TreeMap<>(config.keptPlaces()).keySet());
        lines.add("clusters " + new TreeMap<>(config.clusters()).keySet() + ", upstream TLS " + config.upstreamSslContexts().size());
        Map<String, String> certificates = new TreeMap<>();
        config.hostCertificates().forEach((host, of) -> certificates.put(host, served(of)));
        lines.add("host certificates " + certificates);
        for (VirtualHost host : snapshot.virtualHosts()) {
            RoutedHost routed = config.hosts().findNamed(host.hostname());
            StringBuilder line = new StringBuilder(host.hostname() + ": " + routed.tlsMode() + " " + routed.tlsIdentity()
                    + " redirect " + routed.httpsRedirect() + " stapled " + (routed.tls().get() instanceof StapledSslContext)
                    + " rsa " + (routed.rsaTls() != null));
            for (String path : List.of("/", "/p0", "/p1/x", "/p2", "/q")) {
                RouteTarget target = routed.routes().route(path);
                line.append(' ').append(path).append("->").append(target == null ? null : target.cluster().source());
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static String served(ServedCertificateOf of) {
        return of.name() + "/" + of.origin() + "/" + of.served().contentKey();
    }

    private static Snapshot snapshot(Random random, long version) {
        List<TlsCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            certificates.add(randomCertificate(random, i));
        }
        List<Cluster> clusters = List.of(cluster(0, 1), cluster(1, 1), cluster(2, 1));
        List<VirtualHost> hosts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            hosts.add(host(random, i));
        }
        return new Snapshot(version, hosts, clusters, certificates, random.nextBoolean() ? null : "cert-0");
    }

    /** One to three valid changes; everything else the same instances. */
    private static Snapshot edit(Random random, Snapshot base) {
        List<VirtualHost> hosts = new ArrayList<>(base.virtualHosts());
        List<Cluster> clusters = new ArrayList<>(base.clusters());
        List<TlsCertificate> certificates = new ArrayList<>(base.certificates());
        String defaultCertificate = base.defaultCertificate();
        ListenerSettings listener = base.listener();
        for (int change = 0; change <= random.nextInt(3); change++) {
            switch (random.nextInt(8)) {
                case 0, 1 -> {
                    int i = random.nextInt(10);
                    hosts.removeIf(host -> host.hostname().equals("h-" + i + ".example.test"));
                    hosts.add(host(random, i));
                }
                case 2 -> hosts.remove(random.nextInt(hosts.size()));
                case 3 -> {
                    int i = random.nextInt(3);
                    clusters.set(i, cluster(i, 1 + random.nextInt(3)));
                }
                case 4, 5 -> {
                    int i = random.nextInt(4);
                    certificates.set(i, randomCertificate(random, i));
                }
                case 6 -> defaultCertificate = random.nextBoolean() ? null : "cert-" + random.nextInt(4);
                default -> listener = random.nextInt(3) == 0 ? new ListenerSettings("1.3", Limits.DEFAULTS) : ListenerSettings.DEFAULTS;
            }
        }
        return new Snapshot(base.version() + 1, hosts, clusters, certificates, defaultCertificate, listener,
                base.sessionTicketKeys());
    }

    private static VirtualHost host(Random random, int i) {
        String name = "h-" + i + ".example.test";
        String cluster = "c-" + random.nextInt(3);
        if (random.nextInt(6) == 0) {
            return new VirtualHost(name, TlsMode.PASSTHROUGH, null, List.of(new Route(PathMatch.prefix("/"), cluster)));
        }
        String certificate = random.nextInt(4) == 0 ? null : "cert-" + random.nextInt(4);
        String rsa = certificate != null && random.nextInt(4) == 0 ? "cert-3" : null;
        List<Route> routes = new ArrayList<>();
        for (int r = 0; r <= random.nextInt(3); r++) {
            routes.add(new Route(PathMatch.prefix("/p" + r), "c-" + random.nextInt(3)));
        }
        return new VirtualHost(name, TlsMode.TERMINATE, certificate, routes, random.nextBoolean(), null, null, rsa);
    }

    private static TlsCertificate randomCertificate(Random random, int i) {
        int roll = random.nextInt(6);
        if (roll == 0 && i != 3) {
            return TlsCertificate.keepServing("cert-" + i);
        }
        TlsCertificate certificate = certificate(i, i == 3 ? 3 : random.nextInt(3));
        return roll == 1 ? certificate.withOcspResponse("MAMKAQA=") : certificate;
    }

    private static TlsCertificate certificate(int name, int issued) {
        return new TlsCertificate("cert-" + name, ISSUED.get(issued).chainPem(), ISSUED.get(issued).privateKeyPem());
    }

    private static Cluster cluster(int i, int endpoints) {
        List<Endpoint> ready = new ArrayList<>();
        for (int e = 0; e < endpoints; e++) {
            ready.add(Endpoint.ready("10.0.0." + (e + 1), 8080));
        }
        return new Cluster("c-" + i, ready);
    }
}
