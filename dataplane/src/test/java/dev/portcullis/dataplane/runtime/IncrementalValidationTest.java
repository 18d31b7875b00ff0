package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.ErrorBackend;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.UpstreamTls;
import dev.portcullis.dataplane.config.VirtualHost;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: over random chains of edits from a valid snapshot (records added, replaced, removed, broken
 * in the ways the validator knows: missing or keepServing references, bad names, duplicates, bad
 * endpoints, listener settings), validating only what changed reports a problem exactly when
 * validating the whole snapshot does, and then the same problems. Untouched records stay the same
 * instances, as {@code SnapshotDiff.apply} keeps them; the valid snapshot a chain continues from is
 * the last one that passed, as in the compiler.
 */
class IncrementalValidationTest {

    private static final int SEEDS = 600;
    private static final int STEPS = 8;

    @Test
    void aDeltaIsRefusedExactlyWhenTheWholeSnapshotIsInvalid() {
        int valid = 0;
        int invalid = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            Random random = new Random(seed);
            Snapshot previous = validSnapshot(random);
            assertThat(previous.validate()).as("seed %d start", seed).isEmpty();
            for (int step = 0; step < STEPS; step++) {
                Snapshot next = edit(random, previous);
                if (random.nextBoolean()) {
                    // Through a delta, as a data plane gets it.
                    next = SnapshotDiff.apply(previous, SnapshotDiff.diff(previous, next));
                }
                SnapshotIndex index = SnapshotIndex.of(next);
                List<String> incremental = IncrementalValidation.problems(index,
                        SnapshotChanges.between(SnapshotIndex.of(previous), index),
                        Referrers.of(previous.virtualHosts(), previous.clusters()));
                List<String> whole = next.validate();
                assertThat(incremental).as("seed %d step %d: %s", seed, step, whole).isEqualTo(whole);
                if (whole.isEmpty()) {
                    valid++;
                    previous = next;
                } else {
                    invalid++;
                }
            }
        }
        assertThat(valid).as("valid edits").isGreaterThan(SEEDS);
        assertThat(invalid).as("invalid edits").isGreaterThan(SEEDS);
    }

    private static Snapshot validSnapshot(Random random) {
        List<TlsCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            certificates.add(random.nextInt(6) == 0 ? TlsCertificate.keepServing("cert-" + i) : certificate(random, i));
        }
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clusters.add(cluster(random, i, random.nextInt(5) == 0 ? "cert-" + firstServed(certificates) : null));
        }
        List<VirtualHost> hosts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hosts.add(host(random, "h-" + i + ".example.test", certificates, clusters));
        }
        return new Snapshot(1, hosts, clusters, certificates, random.nextBoolean() ? null : "cert-1",
                ListenerSettings.DEFAULTS, List.of());
    }

    private static int firstServed(List<TlsCertificate> certificates) {
        for (TlsCertificate certificate : certificates) {
            if (!certificate.keepServing()) {
                return Integer.parseInt(certificate.name().substring(5));
            }
        }
        return 99;
    }

    /** One to three changes, each valid or not; everything else the same instances. */
    private static Snapshot edit(Random random, Snapshot base) {
        List<VirtualHost> hosts = new ArrayList<>(base.virtualHosts());
        List<Cluster> clusters = new ArrayList<>(base.clusters());
        List<TlsCertificate> certificates = new ArrayList<>(base.certificates());
        String defaultCertificate = base.defaultCertificate();
        ListenerSettings listener = base.listener();
        for (int change = 0; change <= random.nextInt(3); change++) {
            switch (random.nextInt(16)) {
                case 0, 1, 2 -> put(hosts, host(random, "h-" + random.nextInt(25) + ".example.test", certificates, clusters),
                        VirtualHost::hostname);
                case 3 -> put(hosts, brokenHost(random, certificates, clusters), VirtualHost::hostname);
                case 4 -> removeOne(random, hosts);
                case 5 -> removeOne(random, clusters);
                case 6 -> removeOne(random, certificates);
                case 7 -> put(clusters, cluster(random, random.nextInt(8), null), Cluster::name);
                case 8 -> put(clusters, cluster(random, random.nextInt(8), "cert-" + random.nextInt(8)), Cluster::name);
                case 9 -> put(clusters, new Cluster("c-" + random.nextInt(8), List.of(Endpoint.ready("pods.local", 80))),
                        Cluster::name);
                case 10, 11 -> put(certificates, certificate(random, random.nextInt(8)), TlsCertificate::name);
                case 12 -> put(certificates, random.nextBoolean() ? TlsCertificate.keepServing("cert-" + random.nextInt(8))
                        : new TlsCertificate("cert-" + random.nextInt(8), " ", "key"), TlsCertificate::name);
                case 13 -> defaultCertificate = random.nextInt(3) == 0 ? null : "cert-" + random.nextInt(8);
                case 14 -> listener = new ListenerSettings(random.nextInt(4) == 0 ? "1.1" : random.nextBoolean() ? "1.2" : "1.3",
                        Limits.DEFAULTS);
                default -> {
                    // A duplicate: a host under another case, or a second record under a name taken.
                    if (random.nextBoolean() && !hosts.isEmpty()) {
                        VirtualHost host = hosts.get(random.nextInt(hosts.size()));
                        hosts.add(new VirtualHost(host.hostname().toUpperCase(java.util.Locale.ROOT), host.tlsMode(),
                                host.certificate(), host.routes()));
                    } else if (!clusters.isEmpty()) {
                        clusters.add(clusters.get(random.nextInt(clusters.size())).withEndpoints(List.of()));
                    }
                }
            }
        }
        return new Snapshot(base.version() + 1, hosts, clusters, certificates, defaultCertificate, listener,
                base.sessionTicketKeys());
    }

    private static VirtualHost host(Random random, String name, List<TlsCertificate> certificates, List<Cluster> clusters) {
        String cluster = clusters.isEmpty() ? "c-0" : clusters.get(random.nextInt(clusters.size())).name();
        if (random.nextInt(6) == 0) {
            return new VirtualHost(name, TlsMode.PASSTHROUGH, null, List.of(new Route(PathMatch.prefix("/"), cluster)));
        }
        String certificate = certificates.isEmpty() || random.nextInt(4) == 0 ? null
                : certificates.get(random.nextInt(certificates.size())).name();
        String rsa = certificate != null && random.nextInt(6) == 0
                ? certificates.get(random.nextInt(certificates.size())).name() : null;
        List<Route> routes = new ArrayList<>();
        for (int r = 0; r <= random.nextInt(3); r++) {
            String target = clusters.isEmpty() ? "c-0" : clusters.get(random.nextInt(clusters.size())).name();
            Route route = new Route(PathMatch.prefix("/p" + r), target);
            if (random.nextInt(8) == 0) {
                route = new Route(route.match(), target, null, null, null, null, null, null, null,
                        new ErrorBackend(cluster, List.of(503), "ns", "ing", "svc", "80"));
            }
            routes.add(route);
        }
        return new VirtualHost(name, TlsMode.TERMINATE, certificate, routes, random.nextBoolean(), null, null, rsa);
    }

    private static VirtualHost brokenHost(Random random, List<TlsCertificate> certificates, List<Cluster> clusters) {
        String name = "h-" + random.nextInt(25) + ".example.test";
        VirtualHost fine = host(random, name, certificates, clusters);
        return switch (random.nextInt(6)) {
            case 0 -> new VirtualHost("h_" + random.nextInt(25) + ".example.test", TlsMode.TERMINATE, null, fine.routes());
            case 1 -> new VirtualHost(name, TlsMode.TERMINATE, null, List.of(new Route(PathMatch.prefix("/"), "c-99")));
            case 2 -> new VirtualHost(name, TlsMode.TERMINATE, "cert-99", fine.routes());
            case 3 -> new VirtualHost(name, TlsMode.PASSTHROUGH, "cert-" + random.nextInt(8),
                    List.of(new Route(PathMatch.prefix("/"), "c-" + random.nextInt(8))));
            case 4 -> new VirtualHost(VirtualHost.ANY_HOST, TlsMode.TERMINATE, "cert-" + random.nextInt(8), fine.routes());
            default -> new VirtualHost(name, TlsMode.TERMINATE, null, fine.routes(), false, null, null, "cert-" + random.nextInt(8));
        };
    }

    private static Cluster cluster(Random random, int i, String clientCertificate) {
        List<Endpoint> endpoints = List.of(Endpoint.ready("10.0.1." + random.nextInt(250), 8080));
        if (clientCertificate == null) {
            return new Cluster("c-" + i, endpoints);
        }
        return new Cluster("c-" + i, BalancePolicy.ROUND_ROBIN, endpoints, 0, 0,
                new UpstreamTls("pods.local", null, true, clientCertificate), ProxyProtocol.OFF);
    }

    private static TlsCertificate certificate(Random random, int i) {
        return new TlsCertificate("cert-" + i, "-----BEGIN CERTIFICATE-----\n" + random.nextLong() + "\n",
                "-----BEGIN PRIVATE KEY-----\n" + random.nextLong() + "\n");
    }

    private static <T> void put(List<T> items, T item, java.util.function.Function<T, String> name) {
        for (int i = 0; i < items.size(); i++) {
            if (java.util.Objects.equals(name.apply(items.get(i)), name.apply(item))) {
                items.set(i, item);
                return;
            }
        }
        items.add(item);
    }

    private static <T> void removeOne(Random random, List<T> items) {
        if (!items.isEmpty()) {
            items.remove(random.nextInt(items.size()));
        }
    }
}
