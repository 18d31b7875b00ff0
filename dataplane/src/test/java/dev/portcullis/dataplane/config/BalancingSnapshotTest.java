package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The balancing fields of the Snapshot: JSON both ways, defaults left out, bad values refused. */
class BalancingSnapshotTest {

    @Test
    void defaultsStayOutOfJsonSoOldSnapshotsReadAsBefore() {
        String json = SnapshotCodec.toJson(snapshot(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 80)))));
        assertThat(json).doesNotContain("weight").doesNotContain("hashBy").doesNotContain("affinity");
    }

    @Test
    void weightsHashKeyAndAffinityGoBothWays() {
        Cluster cluster = new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 80).withWeight(3), Endpoint.ready("10.0.0.2", 80)))
                .withBalancing(BalancePolicy.RING_HASH, HashKey.header("X-User"),
                        new SessionAffinity("route", 60L, null, "/", "Lax", true, null));
        String json = SnapshotCodec.toJson(snapshot(cluster));
        assertThat(json.replace(" ", "")).contains("\"balance\":\"ring-hash\"", "\"weight\":3", "\"source\":\"header\"", "\"cookieName\":\"route\"");
        Snapshot back = SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(back.clusters().getFirst()).isEqualTo(cluster);
        assertThat(back.validate()).isEmpty();
    }

    @Test
    void badBalancingValuesAreRefused() {
        Cluster cluster = new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 80).withWeight(0)))
                .withBalancing(BalancePolicy.ROUND_ROBIN, HashKey.header("X User"),
                        new SessionAffinity("a;b", -1L, null, "no-slash", "Loose", false, "x y"));
        assertThat(snapshot(cluster).validate()).anySatisfy(p -> assertThat(p).contains("weight 0 is outside 1-1000"))
                .anySatisfy(p -> assertThat(p).contains("hashBy applies to balance ring-hash only"))
                .anySatisfy(p -> assertThat(p).contains("hashBy.name must be"))
                .anySatisfy(p -> assertThat(p).contains("affinity.cookieName"))
                .anySatisfy(p -> assertThat(p).contains("affinity.path"))
                .anySatisfy(p -> assertThat(p).contains("affinity.domain"))
                .anySatisfy(p -> assertThat(p).contains("affinity.sameSite"))
                .anySatisfy(p -> assertThat(p).contains("must not be negative"));
    }

    private static Snapshot snapshot(Cluster cluster) {
        return new Snapshot(1, List.of(new VirtualHost("a.example.test", TlsMode.TERMINATE, null,
                List.of(new Route(PathMatch.prefix("/"), "web", null, null, null, null, null, null, null, null)), false)),
                List.of(cluster), List.of(), null);
    }
}
