package dev.portcullis.operator.publish;

import dev.portcullis.operator.translate.ClusterState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SnapshotPublisherTest {

    @Test
    void aBurstOfChangesIsOneRebuild() throws Exception {
        AtomicInteger rebuilds = new AtomicInteger();
        try (SnapshotPublisher publisher = publisher(() -> {
            rebuilds.incrementAndGet();
            return ClusterState.empty();
        }, Duration.ofMillis(200), Duration.ofSeconds(5))) {
            for (int i = 0; i < 20; i++) {
                publisher.changed();
                Thread.sleep(5);
            }
            await().atMost(Duration.ofSeconds(3)).until(() -> rebuilds.get() == 1);
            Thread.sleep(400);
            assertThat(rebuilds.get()).isEqualTo(1);
        }
    }

    @Test
    void steadyChangesStillRebuildWithinTheMaximumHoldOff() throws Exception {
        AtomicInteger rebuilds = new AtomicInteger();
        try (SnapshotPublisher publisher = publisher(() -> {
            rebuilds.incrementAndGet();
            return ClusterState.empty();
        }, Duration.ofMillis(200), Duration.ofMillis(500))) {
            long started = System.nanoTime();
            while (rebuilds.get() == 0 && System.nanoTime() - started < Duration.ofSeconds(3).toNanos()) {
                publisher.changed(); // never quiet for the 200 ms hold-off
                Thread.sleep(20);
            }
            assertThat(rebuilds.get()).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aFailedTranslationKeepsTheLastGoodSnapshotAndAnUnchangedOneKeepsItsVersion() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        try (SnapshotPublisher publisher = publisher(() -> {
            if (broken.get()) {
                throw new IllegalStateException("informer cache unavailable");
            }
            return ClusterState.empty();
        }, Duration.ofMillis(10), Duration.ofMillis(100))) {
            publisher.rebuild();
            PublishedSnapshot first = publisher.latest();
            assertThat(first.version()).isEqualTo(1);
            broken.set(true);
            publisher.rebuild();
            assertThat(publisher.latest()).isSameAs(first);
            broken.set(false);
            publisher.rebuild();
            assertThat(publisher.latest().version()).as("same content, same version").isEqualTo(1);
            assertThat(publisher.awaitAfter(0, Duration.ofMillis(10))).isNotNull();
            assertThat(publisher.awaitAfter(1, Duration.ofMillis(50))).as("nothing newer").isNull();
        }
    }

    private static SnapshotPublisher publisher(java.util.function.Supplier<ClusterState> state, Duration holdOff,
                                               Duration maxHoldOff) {
        return new SnapshotPublisher(state, holdOff, maxHoldOff, Clock.systemUTC(), new SimpleMeterRegistry());
    }
}
