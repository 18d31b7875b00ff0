package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** The health fields of a cluster in the snapshot's JSON: left out at their defaults, read back as written. */
class HealthSettingsJsonTest {

    @Test
    void defaultsAreLeftOutOfJson() {
        String json = SnapshotCodec.toJson(snapshot(new Cluster("c", List.of(Endpoint.ready("10.0.0.1", 80)))));
        assertThat(json).doesNotContain("healthCheck").doesNotContain("outlierDetection").doesNotContain("retry");
        assertThat(SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8)).clusters().getFirst().retry())
                .isEqualTo(RetryPolicy.DEFAULTS);
    }

    @Test
    void tunedSettingsRoundTrip() {
        Cluster cluster = new Cluster("c", List.of(Endpoint.ready("10.0.0.1", 80))).withHealth(
                new HealthCheck(HealthCheck.Kind.HTTP, "/healthz", 200, 299, 5_000, 500, 1, 4),
                new OutlierDetection(true, 3, 10_000, 60_000, 30),
                new RetryPolicy(3, Set.of(RetryPolicy.On.HTTP_503, RetryPolicy.On.CONNECT_FAILURE), 2_000, 10_000));
        Snapshot read = SnapshotCodec.fromJson(SnapshotCodec.toJson(snapshot(cluster)).getBytes(StandardCharsets.UTF_8));
        assertThat(read.clusters().getFirst()).isEqualTo(cluster);
        assertThat(read.validate()).isEmpty();
    }

    @Test
    void impossibleSettingsAreRefusedByTheValidator() {
        Cluster cluster = new Cluster("c", List.of(Endpoint.ready("10.0.0.1", 80))).withHealth(
                new HealthCheck(HealthCheck.Kind.HTTP, "no-slash", 300, 200, 5_000, 500, 1, 4),
                new OutlierDetection(true, 3, 10_000, 1_000, 130), new RetryPolicy(11, Set.of(), 0, 0));
        assertThat(snapshot(cluster).validate()).hasSize(4);
    }

    private static Snapshot snapshot(Cluster cluster) {
        return new Snapshot(1, List.of(host("a.example.test", null, prefix("/", "c"))), List.of(cluster), List.of(), null);
    }
}
