package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDeltaCodec;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the data plane reads the channel's answers: a whole snapshot, then a delta on top of it; a
 * delta from a version it does not hold asks for the whole snapshot again; a media type it does not
 * know is refused by name; bytes and updates are counted under the names the benchmark reads.
 */
class SnapshotAnswersTest {

    private final DataPlaneMetrics metrics = new DataPlaneMetrics();
    private final SnapshotAnswers answers = new SnapshotAnswers(metrics.controlPlane());

    private static final Snapshot ONE = new Snapshot(1, List.of(host("a.test", null, prefix("/", "pods"))),
            List.of(new Cluster("pods", List.of(Endpoint.ready("127.0.0.1", 9)))), List.of(), null);
    private static final Snapshot TWO = new Snapshot(2, List.of(host("a.test", null, prefix("/", "pods")),
            host("b.test", null, prefix("/", "pods"))), ONE.clusters(), List.of(), null);

    @Test
    void aDeltaAppliesToTheSnapshotHeld() throws Exception {
        byte[] full = SnapshotCodec.toJson(ONE).getBytes(StandardCharsets.UTF_8);
        assertThat(answers.read("application/json", false, new ByteArrayInputStream(full))).isEqualTo(ONE);
        byte[] delta = SnapshotDeltaCodec.toJson(SnapshotDiff.diff(ONE, TWO)).getBytes(StandardCharsets.UTF_8);
        assertThat(answers.read(SnapshotDelta.MEDIA_TYPE, false, new ByteArrayInputStream(delta))).isEqualTo(TWO);
        assertThat(((PrometheusMeterRegistry) metrics.registry()).scrape())
                .contains("portcullis_control_plane_updates_total{kind=\"full\"} 1.0")
                .contains("portcullis_control_plane_updates_total{kind=\"delta\"} 1.0")
                .contains("portcullis_control_plane_received_bytes_total " + (full.length + delta.length) + ".0");
    }

    @Test
    void aDeltaFromAnotherVersionAsksForTheWholeSnapshot() throws Exception {
        byte[] delta = SnapshotDeltaCodec.toJson(SnapshotDiff.diff(ONE, TWO)).getBytes(StandardCharsets.UTF_8);
        assertThat(answers.read(SnapshotDelta.MEDIA_TYPE, false, new ByteArrayInputStream(delta)))
                .as("nothing held yet").isNull();
        answers.read("application/json", false, new ByteArrayInputStream(
                SnapshotCodec.toJson(TWO).getBytes(StandardCharsets.UTF_8)));
        assertThat(answers.read(SnapshotDelta.MEDIA_TYPE, false, new ByteArrayInputStream(delta)))
                .as("version 2 held, delta from 1").isNull();
    }

    @Test
    void anUnknownMediaTypeIsRefusedByName() {
        assertThatThrownBy(() -> answers.read("application/vnd.portcullis.snapshot-delta.v2+json", false,
                new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("application/vnd.portcullis.snapshot-delta.v2+json")
                .hasMessageContaining("another version");
    }
}
