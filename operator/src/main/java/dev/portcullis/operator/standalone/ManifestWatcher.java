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
    /** How long {@code serve} waits at startup for the first OCSP responses before it serves without them. */
    private static final Duration FIRST_STAPLES = Duration.ofSeconds(5);

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
    /** Fetches OCSP responses for the served certificates; null when not stapling. */
    private dev.portcullis.operator.ocsp.OcspStapler stapler;

    private ManifestWatcher(Path directory, LiveConfig config, Clock clock) {
        this.directory = directory;
        this.config = config;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portcullis-manifest-watcher"));
    }

    public static ManifestWatcher start(Path directory, LiveConfig config, Duration interval) {
        return start(directory, config, interval, Clock.systemUTC(), null);
    }

    /**
     * As above, with the clock translation reads (it decides session ticket rotations; tests move it)
     * and, when {@code ocsp} is given, OCSP stapling: a stapler fetches responses for the served
     * certificates and each change to them is translated and applied like an edit.
     */
    public static ManifestWatcher start(Path directory, LiveConfig config, Duration interval, Clock clock,
                                        OcspStapling ocsp) {
        ManifestWatcher watcher = new ManifestWatcher(directory, config, clock);
        if (ocsp != null) {
            watcher.stapler = ocsp.start(() -> {
                if (!watcher.scheduler.isShutdown()) {
                    watcher.scheduler.execute(watcher::checkNow);
                }
            });
        }
        watcher.checkNow();
        if (watcher.stapler != null && watcher.stapler.refreshNow(FIRST_STAPLES)) {
            // The pass asked for a translation with its staples: wait for it, so serving starts stapled.
            try {
                watcher.scheduler.submit(() -> { }).get(FIRST_STAPLES.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // serve anyway: the staples arrive with the next translation
            }
        }
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
            ManifestTranslation result = ManifestTranslation.of(directory, version + 1, now, parsedSecrets,
                    stapler == null ? dev.portcullis.operator.translate.OcspStaples.NONE : stapler.staples());
            nextTicketRotation = result.sessionTicketSeed() == null ? null : result.sessionTicketSeed().nextRotation(now);
            report(result.problems());
            if (!result.manifestsReadable()) {
                LOG.error("{}: not applied, a manifest cannot be read (see above); {}", directory, servingNow());
                return;
            }
            Snapshot snapshot = result.translation().snapshot();
            if (stapler != null) {
                stapler.track(snapshot);
            }
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

    /** Makes the stapler of a watcher, given what to call when its staples change. */
    @FunctionalInterface
    public interface OcspStapling {
        dev.portcullis.operator.ocsp.OcspStapler start(Runnable onChange);
    }

    /** The OCSP stapler, or null when not stapling. */
    public dev.portcullis.operator.ocsp.OcspStapler stapler() {
        return stapler;
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
        if (stapler != null) {
            stapler.close();
        }
        scheduler.shutdownNow();
    }
}
