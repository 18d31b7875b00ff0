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
            assertThat(metrics.scrape()).as("the first translation is full; one with nothing changed is not")
                    .contains("portcullis_operator_translations_total{scope=\"full\"} 1.0")
                    .contains("portcullis_operator_translations_total{scope=\"partial\"} 1.0");
            assertThat(publisher.awaitAfter(0, Duration.ofMillis(10))).isNotNull();
            assertThat(publisher.awaitAfter(1, Duration.ofMillis(50))).as("nothing newer").isNull();
        }
    }

    @Test
    void aDataPlanesStreamIsNotHeldUpByTheAllClassesTranslationAndChangesMeanwhileAreTranslatedOnceForAll() throws Exception {
        AtomicInteger generation = new AtomicInteger();
        AtomicInteger allClassesTranslations = new AtomicInteger();
        AtomicBoolean holdAllClasses = new AtomicBoolean();
        java.util.concurrent.CountDownLatch allClassesHeld = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        SnapshotSource source = ingressClass -> {
            ClusterState state = hostNamed("h" + generation.get());
            if (ingressClass.equals(SnapshotSource.ALL_CLASSES)) {
                allClassesTranslations.incrementAndGet();
                if (holdAllClasses.get()) { // a translation of 10,000 Ingresses, as long as the test wants
                    allClassesHeld.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            return state;
        };
        try (SnapshotPublisher publisher = new SnapshotPublisher(source, Duration.ofMillis(1), Duration.ofMillis(5),
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            publisher.rebuild();
            assertThat(publisher.awaitAfter(StandaloneIngressClass.NAME, 0, Duration.ofSeconds(10)).version()).isEqualTo(1);
            holdAllClasses.set(true);
            generation.incrementAndGet();
            publisher.changed();
            assertThat(allClassesHeld.await(10, TimeUnit.SECONDS)).as("the all-classes translation started").isTrue();
            assertThat(publisher.awaitAfter(StandaloneIngressClass.NAME, 1, Duration.ofSeconds(10)).version()).isEqualTo(2);
            int translationsBefore = allClassesTranslations.get();

            for (int change = 3; change <= 6; change++) { // the data planes' stream follows every change meanwhile
                generation.incrementAndGet();
                publisher.changed();
                PublishedSnapshot served = publisher.awaitAfter(StandaloneIngressClass.NAME, change - 1, Duration.ofSeconds(10));
                assertThat(served).as("class stream version %d while all classes are still translating", change).isNotNull();
                assertThat(served.content().virtualHosts()).extracting(host -> host.hostname())
                        .contains("h" + generation.get() + ".example.test");
            }
            assertThat(publisher.latest().version()).as("all classes: still the first").isEqualTo(1);
            holdAllClasses.set(false);
            release.countDown();
            PublishedSnapshot allClasses = publisher.awaitAfter(2, Duration.ofSeconds(10));
            assertThat(allClasses).as("the changes made meanwhile reach Events and status").isNotNull();
            assertThat(allClasses.content().virtualHosts()).extracting(host -> host.hostname()).contains("h" + generation.get() + ".example.test");
            publisher.rebuild(); // after everything queued
            // Four changes during one held translation queue one more, plus the synchronous rebuild; the
            // loop may queue the last change's after the test released the hold: one more at most.
            assertThat(allClassesTranslations.get() - translationsBefore)
                    .as("changes made during a translation are translated together, not one by one")
                    .isBetween(2, 3);
        }
    }

    @Test
    void atStartupTheExpectedDataPlaneClassIsPublishedWithoutWaitingForTheAllClassesTranslation() throws Exception {
        java.util.concurrent.CountDownLatch allClassesHeld = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> asked = new CopyOnWriteArrayList<>();
        SnapshotSource source = ingressClass -> {
            asked.add(ingressClass);
            if (ingressClass.equals(SnapshotSource.ALL_CLASSES)) { // 10,000 Ingresses, as long as the test wants
                allClassesHeld.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return hostNamed("first");
        };
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try (SnapshotPublisher publisher = new SnapshotPublisher(source, Duration.ofMillis(1), Duration.ofMillis(5),
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            publisher.expect(List.of(StandaloneIngressClass.NAME));
            Future<?> started = starter.submit(publisher::rebuild);
            PublishedSnapshot first = publisher.awaitAfter(StandaloneIngressClass.NAME, 0, Duration.ofSeconds(10));
            assertThat(first).as("the data planes' class, published first").isNotNull();
            assertThat(first.content().virtualHosts()).extracting(host -> host.hostname()).contains("first.example.test");
            assertThat(allClassesHeld.await(10, TimeUnit.SECONDS)).as("the all-classes translation runs meanwhile").isTrue();
            assertThat(publisher.latest()).as("all classes: not yet published").isNull();
            release.countDown();
            started.get(10, TimeUnit.SECONDS);
            assertThat(publisher.latest().version()).isEqualTo(1);
            assertThat(asked).startsWith(StandaloneIngressClass.NAME, SnapshotSource.ALL_CLASSES);
        } finally {
            release.countDown();
            starter.shutdownNow();
        }
    }

    @Test
    void eventsAndStatusFollowChangesOnceTheyPauseAndAtOnceForADataPlaneWithoutAClass() throws Exception {
        AtomicInteger generation = new AtomicInteger();
        SnapshotSource source = ingressClass -> hostNamed("h" + generation.get());
        // maxHoldOff far longer than the test: the all-classes stream must not follow these changes yet.
        try (SnapshotPublisher publisher = new SnapshotPublisher(source, Duration.ofMillis(1), Duration.ofSeconds(60),
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            publisher.expect(List.of(StandaloneIngressClass.NAME));
            publisher.rebuild();
            for (int change = 2; change <= 4; change++) {
                generation.incrementAndGet();
                publisher.changed();
                assertThat(publisher.awaitForDataPlane(StandaloneIngressClass.NAME, change - 1, Duration.ofSeconds(10)))
                        .as("the data planes' stream, version %d", change).isNotNull();
            }
            assertThat(publisher.latest().version()).as("all classes: the first translation still").isEqualTo(1);

            assertThat(publisher.awaitForDataPlane(SnapshotSource.ALL_CLASSES, 1, Duration.ZERO)).isNull();
            generation.incrementAndGet();
            publisher.changed();
            PublishedSnapshot allClasses = publisher.awaitAfter(1, Duration.ofSeconds(10));
            assertThat(allClasses).as("a data plane without a class polls all classes: rebuilt at once").isNotNull();
            assertThat(allClasses.content().virtualHosts()).extracting(host -> host.hostname()).contains("h4.example.test");
        }
        try (SnapshotPublisher publisher = new SnapshotPublisher(source, Duration.ofMillis(1), Duration.ofMillis(20),
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            publisher.rebuild();
            generation.incrementAndGet();
            publisher.changed();
            PublishedSnapshot allClasses = publisher.awaitAfter(1, Duration.ofSeconds(10));
            assertThat(allClasses).as("all classes, once the changes paused").isNotNull();
            assertThat(allClasses.content().virtualHosts()).extracting(host -> host.hostname()).contains("h5.example.test");
        }
    }

    @Test
    void heldAllClassesFollowNoChangeUntilRebuiltWhileTheDataPlanesStreamDoes() throws Exception {
        AtomicInteger generation = new AtomicInteger();
        List<String> asked = new CopyOnWriteArrayList<>();
        SnapshotSource source = ingressClass -> {
            asked.add(ingressClass);
            return hostNamed("h" + generation.get());
        };
        try (SnapshotPublisher publisher = new SnapshotPublisher(source, Duration.ofMillis(1), Duration.ofMillis(5),
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            publisher.expect(List.of(StandaloneIngressClass.NAME));
            publisher.holdAllClasses();
            publisher.rebuildDataPlaneStreams();
            for (int change = 2; change <= 4; change++) {
                generation.incrementAndGet();
                publisher.changed();
                assertThat(publisher.awaitForDataPlane(StandaloneIngressClass.NAME, change - 1, Duration.ofSeconds(10)))
                        .as("the data planes' stream, version %d", change).isNotNull();
            }
            // Unheld, all classes would follow within a few times maxHoldOff (5 ms) of the last change.
            assertThat(publisher.awaitAfter(0, Duration.ofMillis(500))).as("all classes, held").isNull();
            assertThat(asked).doesNotContain(SnapshotSource.ALL_CLASSES);

            publisher.rebuildAllClasses();
            assertThat(publisher.latest().content().virtualHosts()).extracting(host -> host.hostname())
                    .contains("h3.example.test");
            generation.incrementAndGet();
            publisher.changed();
            PublishedSnapshot followed = publisher.awaitAfter(1, Duration.ofSeconds(10));
            assertThat(followed).as("all classes follow changes again").isNotNull();
            assertThat(followed.content().virtualHosts()).extracting(host -> host.hostname()).contains("h4.example.test");
        }
    }

    private static SnapshotPublisher publisher(java.util.function.Supplier<ClusterState> state, Duration holdOff,
                                               Duration maxHoldOff) {
        return new SnapshotPublisher(state, holdOff, maxHoldOff, Clock.systemUTC(), new SimpleMeterRegistry());
    }
}
