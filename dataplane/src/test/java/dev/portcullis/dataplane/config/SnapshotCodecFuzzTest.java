package dev.portcullis.dataplane.config;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot codec on arbitrary bytes (what a control plane channel or a snapshot file could hold):
 * it yields a snapshot or an {@link InvalidSnapshotException}, nothing else; whatever it reads,
 * validation judges without throwing, and writing it out and reading it back gives the same snapshot
 * and the same JSON. Corpus: {@code src/test/resources/dev/portcullis/dataplane/config/SnapshotCodecFuzzTestInputs/}.
 */
class SnapshotCodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decodesOrRejects(byte[] input) {
        Snapshot snapshot;
        try {
            snapshot = SnapshotCodec.fromJson(input);
        } catch (InvalidSnapshotException expected) {
            assertThat(expected.getMessage()).isNotNull();
            return;
        }
        assertThat(snapshot).isNotNull();
        List<String> problems = snapshot.validate();
        assertThat(problems).isNotNull();

        String json = SnapshotCodec.toJson(snapshot);
        Snapshot again = SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(again).isEqualTo(snapshot);
        assertThat(SnapshotCodec.toJson(again)).isEqualTo(json);
        assertThat(again.validate()).isEqualTo(problems);
    }
}
