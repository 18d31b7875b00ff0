package dev.portcullis.dataplane.aot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The image build runs {@link AotTraining} under {@code -XX:AOTCacheOutput}; it throws at the first
 * request that is not answered in full, so a run that returns has served every path it trains
 * (handshakes new and resumed, HTTP/1.1, HTTP/2, passthrough, plain HTTP, admin, a second snapshot).
 */
class AotTrainingTest {

    @Test
    void aSmallTrainingRunIsAnsweredOnEveryPath(@TempDir Path work) {
        assertThatCode(() -> AotTraining.run(new AotTraining.Workload(400, 400, 5, 5, 8, 5), work))
                .doesNotThrowAnyException();
    }
}
