package dev.portcullis.dataplane.aot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The image build runs {@link AotTraining} under {@code -XX:AOTCacheOutput}; it throws at the first
 * request that is not answered in full, so a run that returns has served every path it trains
 * (handshakes new and resumed, HTTP/1.1, HTTP/2, passthrough, plain HTTP, admin, a second snapshot, the
 * first snapshot of a second data plane pulled from a control plane over mutual TLS).
 */
class AotTrainingTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a cold data plane and its clients in one JVM, leak detection on
    void aSmallTrainingRunIsAnsweredOnEveryPath(@TempDir Path work) {
        assertThatCode(() -> AotTraining.run(new AotTraining.Workload(160, 100, 3, 3, 4, 2), work))
                .doesNotThrowAnyException();
    }
}
