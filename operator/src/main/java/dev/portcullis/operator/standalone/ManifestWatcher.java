package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.runtime.DaemonThreads;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.runtime.LiveConfig;
import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.translate.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.portcullis.dataplane.config.Snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Translates a folder of manifests into the embedded data plane, and again whenever a file in it
 * changes. An edit that leaves a manifest unreadable keeps the last good configuration, and the log
 * says why; translation problems are logged when they change.
 */
public final class ManifestWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestWatcher.class);

    private final Path directory;
    private final LiveConfig config;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    /** When the next session ticket key starts sealing (a translation is due then), or null without a seed. */
    private Instant nextTicketRotation;
    private long appliedTicketIndex = -1;
    private List<String> seenFingerprint = List.of();
    private List<String> settlingFingerprint;
    private volatile List<Problem> reportedProblems = List.of();
    private long version;
    private Snapshot applied;
    /** Parses and last good certificates across reloads: a Secret file edited into garbage keeps its last good certificate. */
    private final dev.portcullis.operator.translate.ParsedSecrets parsedSecrets = new dev.portcullis.operator.translate.ParsedSecrets();

    private ManifestWatcher(Path directory, LiveConfig config, Clock clock) {
        this.directory = directory;
        this.config = config;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portcullis-manifest-watcher"));
    }

    public static ManifestWatcher start(Path directory, LiveConfig config, Duration interval) {
        return start(directory, config, interval, Clock.systemUTC());
    }

    /** As above, with the clock that decides session ticket rotations (tests move it). */
    public static ManifestWatcher start(Path directory, LiveConfig config, Duration interval, Clock clock) {
        ManifestWatcher watcher = new ManifestWatcher(directory, config, clock);
        watcher.checkNow();
        watcher.scheduler.scheduleWithFixedDelay(watcher::check, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    /**
     * Applies a change once two polls in a row have seen the same files: an editor that truncates a
     * file and then writes it would otherwise have its empty half-written file applied, which takes
     * the file's hosts away until the next poll.
     */
    synchronized void check() {
        try {
            List<String> fingerprint = fingerprint();
            if (fingerprint.equals(seenFingerprint)) {
                settlingFingerprint = null;
                if (nextTicketRotation != null && !clock.instant().isBefore(nextTicketRotation)) {
                    translate(fingerprint); // the next session ticket key seals from now
                }
                return;
            }
            if (!fingerprint.equals(settlingFingerprint)) {
                settlingFingerprint = fingerprint;
                return;
            }
            translate(fingerprint);
        } catch (IOException e) {
            LOG.error("{}: not applied: {}; {}", directory, e.getMessage(), servingNow());
        }
    }

    private synchronized void checkNow() {
        try {
            translate(fingerprint());
        } catch (IOException e) {
            LOG.error("{}: not applied: {}; {}", directory, e.getMessage(), servingNow());
        }
    }

    private void translate(List<String> fingerprint) {
        try {
            seenFingerprint = fingerprint;
            settlingFingerprint = null;
            Instant now = clock.instant();
            ManifestTranslation result = ManifestTranslation.of(directory, version + 1, now, parsedSecrets);
            nextTicketRotation = result.sessionTicketSeed() == null ? null : result.sessionTicketSeed().nextRotation(now);
            report(result.problems());
            if (!result.manifestsReadable()) {
                LOG.error("{}: not applied, a manifest cannot be read (see above); {}", directory, servingNow());
                return;
            }
            Snapshot snapshot = result.translation().snapshot();
            if (snapshot.withVersion(0).equals(applied)) {
                return; // a touched file with the same meaning: nothing to swap
            }
            config.apply(snapshot);
            applied = snapshot.withVersion(0);
            version++;
            logRotation(result, now);
        } catch (IOException | InvalidSnapshotException e) {
            LOG.error("{}: not applied: {}; {}", directory, e.getMessage(), servingNow());
            if (e instanceof IOException) {
                nextTicketRotation = null; // unread: the next change of the files translates again, not every poll
            }
        }
    }

    private void logRotation(ManifestTranslation result, Instant now) {
        long index = result.sessionTicketSeed() == null ? -1 : result.sessionTicketSeed().index(now);
        if (index != appliedTicketIndex && index >= 0) {
            LOG.info("session ticket key {} seals new tickets from now (rotating every {} minutes)", index,
                    result.sessionTicketSeed().period().toMinutes());
        }
        appliedTicketIndex = index;
    }

    /** The problems of the last check (a broken manifest among them): what the log said last. */
    public List<Problem> problems() {
        return reportedProblems;
    }

    /** Each file's name, size and modification time: cheap to compare every second. */
    private List<String> fingerprint() throws IOException {
        List<String> fingerprint = new ArrayList<>();
        for (Path file : ManifestReader.manifestFiles(directory)) {
            fingerprint.add(file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis());
        }
        return fingerprint;
    }

    private void report(List<Problem> problems) {
        if (problems.equals(reportedProblems)) {
            return;
        }
        reportedProblems = problems;
        for (Problem problem : problems) {
            if (problem.isError()) {
                LOG.error("{}", problem);
            } else {
                LOG.warn("{}", problem);
            }
        }
    }

    private String servingNow() {
        var current = config.current();
        return current == null ? "nothing is served until the manifests are fixed"
                : "still serving the configuration of version " + current.version();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
