package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Property-style: for many random snapshots and random edits (hosts, clusters and certificates added,
 * replaced, removed; listener settings and the default certificate changed), a delta computed by
 * {@link SnapshotDiff#diff} and applied gives the new snapshot exactly, after a trip through JSON too,
 * and a chain of deltas does what its links do one after the other.
 */
class SnapshotDiffTest {

    private static final int ROUNDS = 400;

    @Test
    void applyingTheDiffGivesTheNewSnapshot() {
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            Snapshot old = randomSnapshot(random, 1);
            Snapshot edited = edit(random, old, 2);
            SnapshotDelta delta = SnapshotDiff.diff(old, edited);
            assertThat(SnapshotDiff.apply(old, delta)).as("seed %d", seed).isEqualTo(edited);
            SnapshotDelta wire = SnapshotDeltaCodec.fromJson(SnapshotDeltaCodec.toJson(delta).getBytes());
            assertThat(wire).as("seed %d through JSON", seed).isEqualTo(delta);
            assertThat(SnapshotDiff.apply(old, wire)).as("seed %d through JSON", seed).isEqualTo(edited);
            // Out of canonical order, the diff hashes instead of walking both lists: the same changes.
            SnapshotDelta unordered = SnapshotDiff.diff(shuffled(old, random), shuffled(edited, random));
            assertThat(SnapshotDiff.apply(old, unordered)).as("seed %d out of order", seed).isEqualTo(edited);
            assertThat(unordered.size()).as("seed %d out of order", seed).isEqualTo(delta.size());
        }
    }

    private static Snapshot shuffled(Snapshot snapshot, Random random) {
        List<VirtualHost> hosts = new ArrayList<>(snapshot.virtualHosts());
        List<Cluster> clusters = new ArrayList<>(snapshot.clusters());
        List<TlsCertificate> certificates = new ArrayList<>(snapshot.certificates());
        java.util.Collections.shuffle(hosts, random);
        java.util.Collections.shuffle(clusters, random);
        java.util.Collections.shuffle(certificates, random);
        return new Snapshot(snapshot.version(), hosts, clusters, certificates, snapshot.defaultCertificate(),
                snapshot.listener(), snapshot.sessionTicketKeys());
    }

    @Test
    void aDeltaCarriesOnlyWhatChanged() {
        Random random = new Random(42);
        Snapshot old = randomSnapshot(random, 7);
        List<VirtualHost> hosts = new ArrayList<>(old.virtualHosts());
        VirtualHost added = new VirtualHost("zz-new.example.test", TlsMode.TERMINATE, null,
                List.of(new Route(PathMatch.prefix("/"), "c-0")));
        hosts.add(added);
        Snapshot edited = new Snapshot(8, hosts, old.clusters(), old.certificates(), old.defaultCertificate(),
                old.listener(), old.sessionTicketKeys());
        SnapshotDelta delta = SnapshotDiff.diff(old, edited);
        assertThat(delta.virtualHosts()).containsExactly(added);
        assertThat(delta.size()).isEqualTo(1);
        assertThat(delta.base()).isEqualTo(7);
        assertThat(delta.version()).isEqualTo(8);
        assertThat(SnapshotDiff.changesNothing(old, SnapshotDiff.diff(old, old.withVersion(9)))).isTrue();
        assertThat(SnapshotDiff.changesNothing(old, delta)).isFalse();
    }

    @Test
    void aChainDoesWhatItsLinksDo() {
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(10_000 + seed);
            Snapshot first = randomSnapshot(random, 1);
            Snapshot second = edit(random, first, 2);
            Snapshot third = edit(random, second, 3);
            Snapshot fourth = edit(random, third, 4);
            SnapshotDelta chained = SnapshotDiff.chain(SnapshotDiff.chain(SnapshotDiff.diff(first, second),
                    SnapshotDiff.diff(second, third)), SnapshotDiff.diff(third, fourth));
            assertThat(SnapshotDiff.apply(first, chained)).as("seed %d", seed).isEqualTo(fourth);
        }
    }

    @Test
    void aDeltaForAnotherVersionIsRefused() {
        Snapshot old = randomSnapshot(new Random(1), 3);
        SnapshotDelta delta = SnapshotDiff.diff(old, edit(new Random(2), old, 4));
        assertThatThrownBy(() -> SnapshotDiff.apply(old.withVersion(2), delta))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessage("a delta from version 3 cannot apply to version 2");
        assertThatThrownBy(() -> SnapshotDiff.chain(delta, delta)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownFieldInADeltaIsRefused() {
        assertThatThrownBy(() -> SnapshotDeltaCodec.fromJson("{\"base\":1,\"version\":2,\"hosts\":[]}".getBytes()))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("hosts");
        assertThatThrownBy(() -> SnapshotDeltaCodec.fromJson("{\"version\":2}".getBytes()))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("base");
    }

    private static Snapshot randomSnapshot(Random random, long version) {
        List<VirtualHost> hosts = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        List<TlsCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (random.nextInt(3) > 0) {
                hosts.add(host(random, i));
            }
            if (random.nextInt(3) > 0) {
                clusters.add(cluster(random, i));
            }
            if (random.nextInt(3) > 0) {
                certificates.add(certificate(random, i));
            }
        }
        return SnapshotDiff.canonical(new Snapshot(version, hosts, clusters, certificates,
                random.nextBoolean() ? null : "cert-" + random.nextInt(40), listener(random), List.of()));
    }

    /** A random edit: each entry kept, replaced or removed, new ones added, settings changed or not. */
    private static Snapshot edit(Random random, Snapshot old, long version) {
        List<VirtualHost> hosts = new ArrayList<>();
        for (VirtualHost host : old.virtualHosts()) {
            int roll = random.nextInt(10);
            if (roll == 0) {
                continue;
            }
            hosts.add(roll == 1 ? host(random, Integer.parseInt(host.hostname().split("[-.]")[1])) : host);
        }
        List<Cluster> clusters = new ArrayList<>();
        for (Cluster cluster : old.clusters()) {
            int roll = random.nextInt(10);
            if (roll == 0) {
                continue;
            }
            clusters.add(roll == 1 ? cluster.withEndpoints(List.of(Endpoint.ready("10.0.0." + random.nextInt(250), 80)))
                    : cluster);
        }
        List<TlsCertificate> certificates = new ArrayList<>();
        for (TlsCertificate certificate : old.certificates()) {
            int roll = random.nextInt(10);
            if (roll == 0) {
                continue;
            }
            certificates.add(roll == 1 ? certificate.withOcspResponse("b2NzcA" + random.nextInt(99)) : certificate);
        }
        for (int i = 40; i < 40 + random.nextInt(4); i++) {
            hosts.add(host(random, i + random.nextInt(100)));
            clusters.add(cluster(random, i + random.nextInt(100)));
            certificates.add(certificate(random, i + random.nextInt(100)));
        }
        // Names must stay unique, as in any valid snapshot.
        hosts = hosts.stream().collect(java.util.stream.Collectors.toMap(VirtualHost::hostname, h -> h, (a, b) -> b,
                java.util.LinkedHashMap::new)).values().stream().toList();
        clusters = clusters.stream().collect(java.util.stream.Collectors.toMap(Cluster::name, c -> c, (a, b) -> b,
                java.util.LinkedHashMap::new)).values().stream().toList();
        certificates = certificates.stream().collect(java.util.stream.Collectors.toMap(TlsCertificate::name, c -> c,
                (a, b) -> b, java.util.LinkedHashMap::new)).values().stream().toList();
        boolean settings = random.nextInt(4) == 0;
        return SnapshotDiff.canonical(new Snapshot(version, hosts, clusters, certificates,
                settings ? "cert-" + random.nextInt(40) : old.defaultCertificate(),
                settings ? listener(random) : old.listener(),
                random.nextInt(4) == 0 ? List.of(ticketKey(random)) : old.sessionTicketKeys()));
    }

    private static VirtualHost host(Random random, int i) {
        List<Route> routes = new ArrayList<>();
        for (int r = 0; r <= random.nextInt(3); r++) {
            routes.add(new Route(PathMatch.prefix("/p" + r + random.nextInt(5)), "c-" + random.nextInt(40)));
        }
        return new VirtualHost("h-" + i + ".example.test", TlsMode.TERMINATE,
                random.nextBoolean() ? null : "cert-" + i, routes, random.nextBoolean());
    }

    private static Cluster cluster(Random random, int i) {
        return new Cluster("c-" + i, List.of(Endpoint.ready("10.0.1." + random.nextInt(250), 8080)));
    }

    private static TlsCertificate certificate(Random random, int i) {
        return new TlsCertificate("cert-" + i, "-----BEGIN CERTIFICATE-----\n" + random.nextLong() + "\n",
                "-----BEGIN PRIVATE KEY-----\n" + random.nextLong() + "\n");
    }

    private static ListenerSettings listener(Random random) {
        return random.nextBoolean() ? ListenerSettings.DEFAULTS
                : new ListenerSettings(random.nextBoolean() ? "1.2" : "1.3", Limits.DEFAULTS);
    }

    private static SessionTicketKey ticketKey(Random random) {
        byte[][] parts = new byte[3][16];
        for (byte[] part : parts) {
            random.nextBytes(part);
        }
        return new SessionTicketKey(parts[0], parts[1], parts[2]);
    }
}
