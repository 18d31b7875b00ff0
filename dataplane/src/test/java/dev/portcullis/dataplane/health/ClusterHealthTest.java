package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Outlier ejection on an injected clock: how long an endpoint stays out, and how many may be. */
class ClusterHealthTest {

    private static final long MS = 1_000_000;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final InetSocketAddress a = new InetSocketAddress("10.0.0.1", 80);
    private final InetSocketAddress b = new InetSocketAddress("10.0.0.2", 80);

    private ClusterHealth health(OutlierDetection outliers, ClusterHealth previous, InetSocketAddress... endpoints) {
        Cluster cluster = new Cluster("c", java.util.Arrays.stream(endpoints)
                .map(e -> Endpoint.ready(e.getAddress().getHostAddress(), e.getPort())).toList())
                .withHealth(null, outliers, RetryPolicy.DEFAULTS);
        return new ClusterHealth(cluster, List.of(endpoints), previous, now::get, HealthMetrics.NONE);
    }

    @Test
    void ejectionTimeGrowsWithEachEjectionUpToTheCap() {
        ClusterHealth health = health(new OutlierDetection(true, 2, 100, 250, 50), null, a, b);
        long[] expectedOut = {100, 200, 250, 250};
        for (long out : expectedOut) {
            health.failed(a);
            assertThat(health.usable(a)).as("one failure is not a run").isTrue();
            health.failed(a);
            assertThat(health.usable(a)).isFalse();
            now.addAndGet((out - 1) * MS);
            assertThat(health.usable(a)).as("still out 1 ms before %d ms", out).isFalse();
            now.addAndGet(MS);
            assertThat(health.usable(a)).as("back after %d ms", out).isTrue();
        }
    }

    @Test
    void aSuccessEndsTheRunOfFailures() {
        ClusterHealth health = health(new OutlierDetection(true, 2, 100, 100, 50), null, a, b);
        health.failed(a);
        health.succeeded(a);
        health.failed(a);
        assertThat(health.usable(a)).isTrue();
    }

    @Test
    void neverMoreThanTheAllowedShareAndNeverTheOnlyEndpoint() {
        ClusterHealth two = health(new OutlierDetection(true, 1, 100, 100, 50), null, a, b);
        two.failed(a);
        two.failed(b);
        assertThat(two.usableCount()).isEqualTo(1);
        ClusterHealth one = health(new OutlierDetection(true, 1, 100, 100, 50), null, a);
        one.failed(a);
        assertThat(one.usable(a)).isTrue();
    }

    @Test
    void stateCarriesOverToTheNextSnapshotsHealth() {
        ClusterHealth first = health(new OutlierDetection(true, 1, 100, 100, 50), null, a, b);
        first.failed(a);
        ClusterHealth next = health(new OutlierDetection(true, 1, 100, 100, 50), first, a, b,
                new InetSocketAddress("10.0.0.3", 80));
        assertThat(next.usable(a)).isFalse();
        assertThat(next.retryBudget()).isSameAs(first.retryBudget());
    }

    @Test
    void disabledDetectionEjectsNothing() {
        ClusterHealth health = health(OutlierDetection.OFF, null, a, b);
        for (int i = 0; i < 10; i++) {
            health.failed(a);
        }
        assertThat(health.usable(a)).isTrue();
    }
}
