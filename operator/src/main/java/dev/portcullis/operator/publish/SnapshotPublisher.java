package dev.portcullis.operator.publish;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDeltaCodec;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.runtime.SnapshotValidation;
import dev.portcullis.dataplane.runtime.DaemonThreads;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.IncrementalTranslator;
import dev.portcullis.operator.translate.OcspStaples;
import dev.portcullis.operator.translate.ParsedSecrets;
import dev.portcullis.operator.translate.Translation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns cluster changes into published snapshots. There is one stream per IngressClass that data
 * planes ask for, and one for all classes, whose problems become Events. The class streams are
 * built on one thread (the loop), the all-classes stream on another (the events thread), each
 * stream always on the same thread, so two snapshots of a stream can never share a version.
 * Debouncing (see {@link Debounce}, with the injected clock) happens on the loop, which then asks
 * the events thread for its rebuild: a change that data planes wait for never queues behind a
 * translation that only Events and status wait for (at 10,000 Ingresses, a few hundred
 * milliseconds). That translation follows once changes pause for {@code maxHoldOff} (at most five
 * times that after the first change it waits for), so that it does not take a CPU from the next
 * change or from the data planes' apply; at once when a data plane without a class polls it.
 * Changes that arrive while the events thread is busy are rebuilt once, together.
 * Readers (the long poll, the status reconciler) see only published, immutable
 * {@link PublishedSnapshot}s. A snapshot that fails its own validation is not published; the last
 * good one stays.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final SnapshotSource source;
    private final Clock clock;
    private final Timer translationTime;
    private final Counter translationFailures;
    private final ScheduledExecutorService loop;
    private final ExecutorService events;
    /** An all-classes rebuild is queued on the events thread and has not started: another need not be. */
    private final AtomicBoolean allClassesQueued = new AtomicBoolean();
    private final List<Consumer<PublishedSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, PublishedSnapshot> published = new ConcurrentHashMap<>();
    private final Object publication = new Object();

    // Owned by the loop thread.
    private final Debounce debounce;
    private final Set<String> classes = new LinkedHashSet<>();
    /** Each stream's memo, used only on its stream's thread (a class's reads the all-classes one's published parses). */
    private final Map<String, ParsedSecrets> parsedSecrets = new ConcurrentHashMap<>();
    /** Each stream's translator, used only on its stream's thread: a change costs what it touches. */
    private final Map<String, IncrementalTranslator> translators = new ConcurrentHashMap<>();
    private ScheduledFuture<?> pending;
    private ScheduledFuture<?> allClassesPending;
    /** The all-classes stream: maxHoldOff after the last change, at most five times that after the first. */
    private final Debounce allClassesDebounce;
    /** A data plane without an IngressClass polls the all-classes stream: then it is rebuilt at once. */
    private volatile boolean dataPlanesPollAllClasses;
    /** Until {@link #rebuildAllClasses()}, changes rebuild only the data planes' streams (see {@link #holdAllClasses()}). */
    private volatile boolean allClassesHeld;
    private volatile Supplier<OcspStaples> ocspStaples = () -> OcspStaples.NONE;

    public SnapshotPublisher(Supplier<ClusterState> state, Duration holdOff, Duration maxHoldOff, Clock clock,
                             MeterRegistry metrics) {
        this((SnapshotSource) ingressClass -> state.get(), holdOff, maxHoldOff, clock, metrics);
    }

    public SnapshotPublisher(SnapshotSource source, Duration holdOff, Duration maxHoldOff, Clock clock,
                             MeterRegistry metrics) {
        this.source = source;
        this.clock = clock;
        SnapshotDeltaCodec.prepare(); // not on the first change's path
        this.debounce = new Debounce(holdOff, maxHoldOff);
        this.allClassesDebounce = Debounce.alwaysWaiting(maxHoldOff, maxHoldOff.multipliedBy(5));
        this.translationTime = Timer.builder("portcullis.operator.translation")
                .description("Time to translate the cluster into a snapshot").register(metrics);
        this.translationFailures = Counter.builder("portcullis.operator.translation.failures")
                .description("Translations that failed or whose snapshot failed its own validation, so were not "
                        + "published; the last good snapshot stays")
                .register(metrics);
        metrics.gauge("portcullis.operator.snapshot.version", this, publisher -> {
            PublishedSnapshot current = publisher.latest();
            return current == null ? -1 : current.version();
        });
        for (String scope : List.of("full", "partial")) {
            // Partial: only the Ingresses a change touched were translated (IncrementalTranslator).
            io.micrometer.core.instrument.FunctionCounter.builder("portcullis.operator.translations", this,
                            publisher -> publisher.translators.values().stream().mapToLong(translator -> scope.equals("full")
                                    ? translator.fullTranslations() : translator.partialTranslations()).sum())
                    .description("Translations by scope: of every Ingress, or of those a change touched")
                    .tag("scope", scope).register(metrics);
        }
        metrics.gauge("portcullis.operator.certificate.fallbacks", this, publisher -> {
            PublishedSnapshot current = publisher.latest();
            return current == null ? 0 : current.translation().lastGoodCertificatesKept();
        });
        this.loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portcullis-publisher"));
        this.events = Executors.newSingleThreadExecutor(DaemonThreads.named("portcullis-publisher-events"));
    }

    /** The OCSP staples each translation attaches (the stapler's current ones); call {@link #changed()} when they change. */
    public void ocspStaples(Supplier<OcspStaples> staples) {
        this.ocspStaples = staples;
    }

    /** Called on the events thread after each publication of the all-classes stream. */
    public void addListener(Consumer<PublishedSnapshot> listener) {
        listeners.add(listener);
    }

    /** Something changed: rebuild once the changes settle. Any thread. */
    public void changed() {
        if (loop.isShutdown()) {
            return; // closing: informers may still call in
        }
        loop.execute(() -> {
            Instant due = debounce.changed(clock.instant());
            if (pending != null) {
                pending.cancel(false);
            }
            long delay = Math.max(0, Duration.between(clock.instant(), due).toNanos());
            pending = loop.schedule(this::rebuildAll, delay, TimeUnit.NANOSECONDS);
        });
    }

    /**
     * Streams for these IngressClasses (the classes of the DataPlanes listed at startup) are built
     * by the next rebuild, before the all-classes one: a data plane's first snapshot need not wait
     * for the translation that only Events and status wait for. Call before data planes can poll.
     */
    public void expect(java.util.Collection<String> ingressClasses) {
        try {
            loop.submit(() -> classes.addAll(ingressClasses)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not add the streams of " + ingressClasses, e.getCause());
        }
    }

    /** Rebuilds every stream now and returns when it is published (startup, and tests). */
    public void rebuild() {
        rebuildDataPlaneStreams();
        rebuildAllClasses();
    }

    /** Rebuilds the data planes' streams (those of their IngressClasses) now; returns when they are published. */
    public void rebuildDataPlaneStreams() {
        await(loop.submit(this::rebuildClasses));
    }

    /**
     * Changes rebuild only the data planes' streams until {@link #rebuildAllClasses()} is called: at
     * startup the operator holds the all-classes translation while running data planes apply their
     * first snapshot. A data plane that polls the all-classes stream is not held.
     */
    public void holdAllClasses() {
        allClassesHeld = true;
    }

    /** Rebuilds the all-classes stream (Events and status) now; returns when it is published. Ends a hold. */
    public void rebuildAllClasses() {
        allClassesHeld = false;
        await(events.submit(() -> rebuild(SnapshotSource.ALL_CLASSES)));
    }

    private static void await(java.util.concurrent.Future<?> rebuilt) {
        try {
            rebuilt.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("rebuild failed", e.getCause());
        }
    }

    /** On the loop: the data planes' streams now, the all-classes one on the events thread once changes pause. */
    private void rebuildAll() {
        rebuildClasses();
        if (dataPlanesPollAllClasses) {
            queueAllClasses(); // a data plane without a class waits for this stream
            return;
        }
        if (allClassesHeld) {
            return; // rebuildAllClasses() will
        }
        // Events and status follow once changes pause: at 10,000 Ingresses a translation costs about
        // 0.1 s of CPU, which the data planes' next change and their apply need more.
        Instant now = clock.instant();
        Instant due = allClassesDebounce.changed(now);
        if (allClassesPending != null) {
            allClassesPending.cancel(false);
        }
        allClassesPending = loop.schedule(() -> {
            allClassesPending = null;
            allClassesDebounce.rebuilt(clock.instant());
            queueAllClasses();
        }, Math.max(0, Duration.between(now, due).toNanos()), TimeUnit.NANOSECONDS);
    }

    private void queueAllClasses() {
        if (allClassesQueued.compareAndSet(false, true)) {
            events.execute(() -> {
                allClassesQueued.set(false);
                rebuild(SnapshotSource.ALL_CLASSES);
            });
        }
    }

    private void rebuildClasses() {
        debounce.rebuilt(clock.instant());
        pending = null;
        classes.forEach(this::rebuild);
    }

    private void rebuild(String ingressClass) {
        PublishedSnapshot latest = published.get(ingressClass);
        try {
            long nextVersion = latest == null ? 1 : latest.version() + 1;
            ParsedSecrets streamMemo = memo(ingressClass);
            IncrementalTranslator translator = translators.computeIfAbsent(ingressClass, unused -> new IncrementalTranslator());
            Translation translation = translationTime.recordCallable(() ->
                    translator.translate(source.state(ingressClass), nextVersion, clock.instant(), streamMemo, ocspStaples.get()));
            Snapshot snapshot = translation.snapshot();
            Snapshot content = SnapshotDiff.canonical(snapshot);
            SnapshotDelta delta = latest == null ? null : SnapshotDiff.diff(latest.content(), content);
            if (delta != null) {
                // The same content, sharing unchanged records with the last version: memory, and a
                // validation of what changed only (the last version was valid).
                content = SnapshotDiff.apply(latest.content(), delta);
            }
            List<String> invalid = latest == null ? content.validate() : SnapshotValidation.problemsAfter(latest.content(), content);
            if (!invalid.isEmpty()) {
                LOG.error("translated snapshot{} fails its own validation and is not published ({}); still serving version {}",
                        describe(ingressClass), String.join("; ", invalid), latest == null ? "none" : latest.version());
                translationFailures.increment();
                return;
            }
            PublishedSnapshot next;
            if (delta != null && SnapshotDiff.changesNothing(latest.content(), delta)) {
                // Nothing the data planes serve changed: keep the version, refresh the problems.
                next = latest.withTranslation(translation);
            } else {
                next = latest == null ? PublishedSnapshot.first(content, translation)
                        : latest.next(content, delta, translation);
                LOG.info("published snapshot{} version {}: {} virtual hosts, {} clusters, {} problems{}", describe(ingressClass),
                        nextVersion, snapshot.virtualHosts().size(), snapshot.clusters().size(), translation.problems().size(),
                        delta == null ? "" : "; changed " + delta.size() + " hosts, clusters and certificates");
            }
            synchronized (publication) {
                published.put(ingressClass, next);
                publication.notifyAll();
            }
            if (ingressClass.equals(SnapshotSource.ALL_CLASSES)) {
                listeners.forEach(listener -> listener.accept(next));
            }
        } catch (Exception e) {
            LOG.error("translation{} failed; still serving the last snapshot", describe(ingressClass), e);
            translationFailures.increment();
        }
    }

    /**
     * A stream's memo. The all-classes one exists before any class's, so that a class's stream
     * shares its parses whichever of the two translates first (at startup, a data plane's class).
     */
    private ParsedSecrets memo(String ingressClass) {
        // Data planes may have run before this operator: what they serve is unknown at first.
        ParsedSecrets all = parsedSecrets.computeIfAbsent(SnapshotSource.ALL_CLASSES, unused -> ParsedSecrets.forRunningDataPlanes());
        return ingressClass.equals(SnapshotSource.ALL_CLASSES) ? all
                // A class's stream starts with the last good certificates the all-classes one remembers.
                : parsedSecrets.computeIfAbsent(ingressClass, unused -> ParsedSecrets.rememberingFrom(all));
    }

    private static String describe(String ingressClass) {
        return ingressClass.isEmpty() ? "" : " for IngressClass " + ingressClass;
    }

    /** The latest snapshot of all classes (whose translation carries every problem). */
    public PublishedSnapshot latest() {
        return published.get(SnapshotSource.ALL_CLASSES);
    }

    /** The latest snapshot of all classes if it is newer than {@code version}, waiting up to {@code timeout}; else null. */
    public PublishedSnapshot awaitAfter(long version, Duration timeout) throws InterruptedException {
        return awaitAfter(SnapshotSource.ALL_CLASSES, version, timeout);
    }

    /**
     * A data plane's long poll: as {@link #awaitAfter(String, long, Duration)}, and a data plane
     * without a class ({@link SnapshotSource#ALL_CLASSES}) makes the all-classes stream follow
     * every change at once from then on.
     */
    public PublishedSnapshot awaitForDataPlane(String ingressClass, long version, Duration timeout) throws InterruptedException {
        if (ingressClass.equals(SnapshotSource.ALL_CLASSES)) {
            dataPlanesPollAllClasses = true;
        }
        return awaitAfter(ingressClass, version, timeout);
    }

    /** The latest snapshot for one IngressClass if newer than {@code version}, waiting up to {@code timeout}; else null. */
    public PublishedSnapshot awaitAfter(String ingressClass, long version, Duration timeout) throws InterruptedException {
        if (!published.containsKey(ingressClass) && !ingressClass.equals(SnapshotSource.ALL_CLASSES) && !loop.isShutdown()) {
            // The first data plane of a class waits for no change: the loop builds its stream now.
            loop.execute(() -> {
                if (classes.add(ingressClass)) {
                    rebuild(ingressClass);
                }
            });
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (publication) {
            PublishedSnapshot latest;
            while ((latest = published.get(ingressClass)) == null || latest.version() <= version) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(publication, left);
            }
            return latest;
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        events.shutdownNow();
    }
}
