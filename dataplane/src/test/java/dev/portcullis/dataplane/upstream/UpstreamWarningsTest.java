package dev.portcullis.dataplane.upstream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamWarningsTest {

    @Test
    void oneWarningPerClusterPerIntervalThenTheCountOfThoseHeldBack() {
        AtomicLong now = new AtomicLong(1_000);
        UpstreamWarnings warnings = new UpstreamWarnings(now::get, Duration.ofSeconds(10));

        assertThat(warnings.admit("shop")).as("the first is logged at once").isZero();
        for (int i = 0; i < 500; i++) {
            assertThat(warnings.admit("shop")).isEqualTo(-1);
        }
        assertThat(warnings.admit("blog")).as("another cluster has its own interval").isZero();

        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(warnings.admit("shop")).isEqualTo(-1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(warnings.admit("shop")).as("the next interval's first says how many were held back").isEqualTo(501);
        assertThat(warnings.admit("shop")).isEqualTo(-1);
    }
}
