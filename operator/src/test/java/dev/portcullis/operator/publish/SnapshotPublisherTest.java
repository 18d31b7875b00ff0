package dev.portcullis.operator.publish;

import dev.portcullis.operator.translate.ClusterState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotPublisherTest {

    @Test
    void concurrentChangesNeverPublishTwoSnapshotsWithOneVersion() throws Exception {
        AtomicInteger generation = new AtomicInteger();
        List<PublishedSnapshot> seen = new CopyOnWriteArrayList<>();
        try (SnapshotPublisher publisher = publisher(() -> hostNamed("h" + generation.incrementAndGet()),
                Duration.ofMillis(1), Duration.ofMillis(5))) {
            publisher.addListener(seen::add);
            ExecutorService writers = Executors.newFixedThreadPool(6);
            List<Future<?>> work = new ArrayList<>();
            for (int thread = 0; thread < 6; thread++) {
                boolean rebuilder = thread < 2;
                work.add(writers.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        if (rebuilder) {
                            publisher.rebuild();
                        } else {
                            publisher.changed();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get(60, TimeUnit.SECONDS);
            }
            writers.shutdown();
            publisher.rebuild(); // runs after everything already queued on the loop
        }
        List<Long> versions = seen.stream().map(PublishedSnapshot::version).toList();
        assertThat(versions).hasSizeGreaterThan(400).doesNotHaveDuplicates().isSorted();
        assertThat(versions.getFirst()).isEqualTo(1);
        assertThat(versions.getLast()).isEqualTo(versions.size());
    }

    private static ClusterState hostNamed(String name) {
        return StandaloneIngressClass.ensure(new ClusterState(List.of(new IngressBuilder().withNewMetadata().withName(name)
                .withNamespace("default").endMetadata().withNewSpec().addNewRule().withHost(name + ".example.test")
                .endRule().endSpec().build()), List.of(), List.of(), List.of(), List.of()));
    }

    @Test
    void aFailedTranslationKeepsTheLastGoodSnapshotAndAnUnchangedOneKeepsItsVersion() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (SnapshotPublisher publisher = new SnapshotPublisher(() -> {
            if (broken.get()) {
                throw new IllegalStateException("informer cache unavailable");
            }
            return ClusterState.empty();
        }, Duration.ofMillis(10), Duration.ofMillis(100), Clock.systemUTC(), metrics)) {
            publisher.rebuild();
            PublishedSnapshot first = publisher.latest();
            assertThat(first.version()).isEqualTo(1);
            assertThat(metrics.scrape()).contains("portcullis_operator_translation_failures_total 0.0")
                    .contains("portcullis_operator_snapshot_version 1.0");
            broken.set(true);
            publisher.rebuild();
            assertThat(publisher.latest()).isSameAs(first);
            assertThat(metrics.scrape()).as("what the not-published alert watches")
                    .contains("portcullis_operator_translation_failures_total 1.0")
                    .contains("portcullis_operator_snapshot_version 1.0");
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
