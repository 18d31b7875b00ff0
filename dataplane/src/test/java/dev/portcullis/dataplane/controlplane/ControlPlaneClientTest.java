package dev.portcullis.dataplane.controlplane;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ControlPlaneClientTest {

    @Test
    void backoffGrowsExponentiallyWithFullJitterUpToTheCap() {
        for (int failures = 1; failures < 30; failures++) {
            long ceiling = Math.min(30_000, 200L << Math.min(failures, 20));
            for (int i = 0; i < 50; i++) {
                Duration wait = ControlPlaneClient.backoff(failures);
                assertThat(wait.toMillis()).isBetween(100L, ceiling);
            }
        }
        long distinct = java.util.stream.IntStream.range(0, 100).mapToLong(i -> ControlPlaneClient.backoff(10).toMillis())
                .distinct().count();
        assertThat(distinct).as("jittered, so replicas do not reconnect in step").isGreaterThan(50);
    }
}
