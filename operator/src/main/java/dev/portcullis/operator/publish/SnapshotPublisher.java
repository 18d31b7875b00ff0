package dev.portcullis.operator.publish;

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
import java.util.List;
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
 * Data planes wait for a version newer than theirs with {@link #awaitAfter}.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final Supplier<ClusterState> state;
    private final Duration holdOff;
    private final Duration maxHoldOff;
    private final Clock clock;
    private final Timer translationTime;
    private final ScheduledExecutorService scheduler;
    private final List<Consumer<PublishedSnapshot>> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private ScheduledFuture<?> pending;
    private long firstPendingNanos;
    private PublishedSnapshot latest;
    private Snapshot latestContent;

    public SnapshotPublisher(Supplier<ClusterState> state, Duration holdOff, Duration maxHoldOff, Clock clock,
                             MeterRegistry metrics) {
        this.state = state;
        this.holdOff = holdOff;
        this.maxHoldOff = maxHoldOff;
        this.clock = clock;
        this.translationTime = Timer.builder("portcullis.operator.translation")
                .description("Time to translate the cluster into a snapshot").register(metrics);
        metrics.gauge("portcullis.operator.snapshot.version", this, publisher -> {
            PublishedSnapshot current = publisher.latest();
            return current == null ? -1 : current.version();
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "portcullis-publisher");
            thread.setDaemon(true);
            return thread;
        });
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
            pending = scheduler.schedule(this::rebuild, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** Rebuilds now, on the caller's thread (startup, and tests). */
    public void rebuild() {
        synchronized (lock) {
            pending = null;
        }
        try {
            long nextVersion = latest == null ? 1 : latest.version() + 1;
            Translation translation = translationTime.recordCallable(() ->
                    IngressTranslator.translate(state.get(), nextVersion, clock.instant()));
            List<String> invalid = translation.snapshot().validate();
            if (!invalid.isEmpty()) {
                LOG.error("translated snapshot fails its own validation and is not published ({}); still serving version {}",
                        String.join("; ", invalid), latest == null ? "none" : latest.version());
                return;
            }
            PublishedSnapshot published;
            synchronized (lock) {
                Snapshot content = withVersion(translation.snapshot(), 0);
                if (latest != null && content.equals(latestContent)) {
                    // Nothing the data planes serve changed: keep the version, refresh the problems.
                    latest = new PublishedSnapshot(latest.version(), latest.gzippedJson(), translation);
                } else {
                    latest = new PublishedSnapshot(nextVersion, gzip(SnapshotCodec.toJson(translation.snapshot())), translation);
                    latestContent = content;
                    LOG.info("published snapshot version {}: {} virtual hosts, {} clusters, {} problems", nextVersion,
                            translation.snapshot().virtualHosts().size(), translation.snapshot().clusters().size(),
                            translation.problems().size());
                }
                published = latest;
                lock.notifyAll();
            }
            listeners.forEach(listener -> listener.accept(published));
        } catch (Exception e) {
            LOG.error("translation failed; still serving the last snapshot", e);
        }
    }

    public PublishedSnapshot latest() {
        synchronized (lock) {
            return latest;
        }
    }

    /** The latest snapshot if it is newer than {@code version}, waiting up to {@code timeout}; else null. */
    public PublishedSnapshot awaitAfter(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (latest == null || latest.version() <= version) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return latest;
        }
    }

    private static Snapshot withVersion(Snapshot snapshot, long version) {
        return new Snapshot(version, snapshot.virtualHosts(), snapshot.clusters(), snapshot.certificates(),
                snapshot.defaultCertificate());
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
