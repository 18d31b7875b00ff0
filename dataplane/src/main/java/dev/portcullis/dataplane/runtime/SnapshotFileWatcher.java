package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.SnapshotCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Applies a snapshot file, and again whenever it changes. Polling (rather than inotify) also sees
 * files replaced by rename and Kubernetes' symlinked volume updates. A file that does not parse or
 * validate is logged with every problem and the last good snapshot keeps being served.
 */
public final class SnapshotFileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFileWatcher.class);

    private final Path file;
    private final LiveConfig config;
    private final ScheduledExecutorService scheduler;
    private long seenModified = Long.MIN_VALUE;
    private long seenSize = -1;
    private byte[] lastContent;
    private boolean reportedMissing;
    private final java.util.concurrent.atomic.AtomicInteger rejected = new java.util.concurrent.atomic.AtomicInteger();

    private SnapshotFileWatcher(Path file, LiveConfig config) {
        this.file = file;
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portcullis-snapshot-watcher"));
    }

    /** Applies the file now (if it is good), then checks it for changes every {@code interval}. */
    public static SnapshotFileWatcher start(Path file, LiveConfig config, Duration interval) {
        SnapshotFileWatcher watcher = new SnapshotFileWatcher(file, config);
        watcher.check();
        watcher.scheduler.scheduleWithFixedDelay(watcher::check, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    synchronized void check() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            reportedMissing = false;
            long modified = attributes.lastModifiedTime().toMillis();
            if (modified == seenModified && attributes.size() == seenSize) {
                return;
            }
            // Remember what we saw before reading: a write that lands during the read shows up next time.
            seenModified = modified;
            seenSize = attributes.size();
            byte[] content;
            try (java.io.InputStream in = Files.newInputStream(file)) {
                content = SnapshotCodec.readBounded(in);
            }
            if (Arrays.equals(content, lastContent)) {
                return;
            }
            lastContent = content;
            config.apply(SnapshotCodec.fromJson(content));
        } catch (NoSuchFileException e) {
            if (!reportedMissing) {
                LOG.warn("snapshot file {} does not exist; {}", file, servingNow());
                reportedMissing = true;
            }
        } catch (InvalidSnapshotException e) {
            rejected.incrementAndGet();
            LOG.error("snapshot file {} rejected: {}; {}", file, e.getMessage(), servingNow());
        } catch (IOException | RuntimeException e) {
            LOG.error("snapshot file {} cannot be read: {}; {}", file, e, servingNow());
        }
    }

    private String servingNow() {
        RuntimeConfig current = config.current();
        return current == null ? "nothing is served until a good snapshot arrives"
                : "still serving snapshot version " + current.version();
    }

    /** Versions of the file that were read and refused (invalid JSON or an invalid snapshot). */
    public int rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
