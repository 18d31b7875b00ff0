package dev.portcullis.operator.publish;

import dev.portcullis.dataplane.runtime.DaemonThreads;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.IngressTranslator;
import dev.portcullis.operator.translate.Translation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Turns cluster changes into published snapshots. Changes are debounced: a rebuild waits
 * {@code holdOff} after the last change, but never more than {@code maxHoldOff} after the first
 * pending one. A snapshot that fails its own validation is not published; the last good one stays.
 * There is one stream of snapshots per IngressClass that data planes ask for (each DataPlane serves
 * one class), and one for all classes, whose problems become Events. Data planes wait for a
 * version newer than theirs with {@link #awaitAfter}.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final SnapshotSource source;
    private final Duration holdOff;
    private final Duration maxHoldOff;
    private final Clock clock;
    private final Timer translationTime;
    private final ScheduledExecutorService scheduler;
    private final List<Consumer<PublishedSnapshot>> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private ScheduledFuture<?> pending;
    private long firstPendingNanos;
    private final Map<String, Stream> streams = new LinkedHashMap<>();

    /** One IngressClass's snapshots. */
    private static final class Stream {
        PublishedSnapshot latest;
        Snapshot latestContent;
    }

    public SnapshotPublisher(Supplier<ClusterState> state, Duration holdOff, Duration maxHoldOff, Clock clock,
                             MeterRegistry metrics) {
        this((SnapshotSource) ingressClass -> state.get(), holdOff, maxHoldOff, clock, metrics);
    }

    public SnapshotPublisher(SnapshotSource source, Duration holdOff, Duration maxHoldOff, Clock clock,
                             MeterRegistry metrics) {
        this.source = source;
        streams.put(SnapshotSource.ALL_CLASSES, new Stream());
        this.holdOff = holdOff;
        this.maxHoldOff = maxHoldOff;
        this.clock = clock;
        this.translationTime = Timer.builder("portcullis.operator.translation")
                .description("Time to translate the cluster into a snapshot").register(metrics);
        metrics.gauge("portcullis.operator.snapshot.version", this, publisher -> {
            PublishedSnapshot current = publisher.latest();
            return current == null ? -1 : current.version();
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portcullis-publisher"));
    }

    public void addListener(Consumer<PublishedSnapshot> listener) {
        listeners.add(listener);
    }

    /** Something changed: rebuild soon. */
    public void changed() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (pending == null) {
                firstPendingNanos = now;
            } else {
                pending.cancel(false);
            }
            long waited = now - firstPendingNanos;
            long delay = Math.max(0, Math.min(holdOff.toNanos(), maxHoldOff.toNanos() - waited));
            Runnable rebuildAll = this::rebuild;
            pending = scheduler.schedule(rebuildAll, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** Rebuilds every stream now, on the caller's thread (startup, and tests). */
    public void rebuild() {
        List<String> classes;
        synchronized (lock) {
            pending = null;
            classes = new ArrayList<>(streams.keySet());
        }
        for (String ingressClass : classes) {
            rebuild(ingressClass);
        }
    }

    private void rebuild(String ingressClass) {
        Stream stream;
        synchronized (lock) {
            stream = streams.get(ingressClass);
        }
        try {
            long nextVersion = stream.latest == null ? 1 : stream.latest.version() + 1;
            Translation translation = translationTime.recordCallable(() ->
                    IngressTranslator.translate(source.state(ingressClass), nextVersion, clock.instant()));
            Snapshot snapshot = translation.snapshot();
            List<String> invalid = snapshot.validate();
            if (!invalid.isEmpty()) {
                LOG.error("translated snapshot{} fails its own validation and is not published ({}); still serving version {}",
                        describe(ingressClass), String.join("; ", invalid), stream.latest == null ? "none" : stream.latest.version());
                return;
            }
            PublishedSnapshot published;
            synchronized (lock) {
                Snapshot content = snapshot.withVersion(0);
                if (stream.latest != null && content.equals(stream.latestContent)) {
                    // Nothing the data planes serve changed: keep the version, refresh the problems.
                    stream.latest = new PublishedSnapshot(stream.latest.version(), stream.latest.gzippedJson(), translation);
                } else {
                    stream.latest = new PublishedSnapshot(nextVersion, gzip(SnapshotCodec.toJson(snapshot)), translation);
                    stream.latestContent = content;
                    LOG.info("published snapshot{} version {}: {} virtual hosts, {} clusters, {} problems", describe(ingressClass),
                            nextVersion, snapshot.virtualHosts().size(), snapshot.clusters().size(), translation.problems().size());
                }
                published = stream.latest;
                lock.notifyAll();
            }
            if (ingressClass.equals(SnapshotSource.ALL_CLASSES)) {
                listeners.forEach(listener -> listener.accept(published));
            }
        } catch (Exception e) {
            LOG.error("translation{} failed; still serving the last snapshot", describe(ingressClass), e);
        }
    }

    private static String describe(String ingressClass) {
        return ingressClass.isEmpty() ? "" : " for IngressClass " + ingressClass;
    }

    /** The latest snapshot of all classes (whose translation carries every problem). */
    public PublishedSnapshot latest() {
        synchronized (lock) {
            return streams.get(SnapshotSource.ALL_CLASSES).latest;
        }
    }

    /** The latest snapshot of all classes if it is newer than {@code version}, waiting up to {@code timeout}; else null. */
    public PublishedSnapshot awaitAfter(long version, Duration timeout) throws InterruptedException {
        return awaitAfter(SnapshotSource.ALL_CLASSES, version, timeout);
    }

    /** The latest snapshot for one IngressClass if newer than {@code version}, waiting up to {@code timeout}; else null. */
    public PublishedSnapshot awaitAfter(String ingressClass, long version, Duration timeout) throws InterruptedException {
        boolean created;
        synchronized (lock) {
            created = streams.putIfAbsent(ingressClass, new Stream()) == null;
        }
        if (created) {
            rebuild(ingressClass); // the first data plane of a class waits for no change
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            Stream stream = streams.get(ingressClass);
            while (stream.latest == null || stream.latest.version() <= version) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return stream.latest;
        }
    }

    private static byte[] gzip(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
