package dev.portcullis.dataplane.upstream;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Warnings about endpoints (refused, reset, too slow), at most one per cluster per interval. An
 * endpoint that is down fails every request sent to it; a line per request would fill the disk at
 * the request rate. The first failure is logged at once; those within the next interval are
 * counted (and logged at DEBUG), and the next warning after it says how many were not shown. The
 * metrics count every one.
 */
public final class UpstreamWarnings {

    public static final Duration INTERVAL = Duration.ofSeconds(10);
    /** A bound on the per-cluster state: clusters come and go with snapshots. */
    private static final int MAX_CLUSTERS = 10_000;
    private static final UpstreamWarnings SHARED = new UpstreamWarnings(System::nanoTime, INTERVAL);

    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    UpstreamWarnings(LongSupplier nanoClock, Duration interval) {
        this.nanoClock = nanoClock;
        this.intervalNanos = interval.toNanos();
    }

    /** The data plane's one instance: the interval is per cluster, whichever connection fails. */
    public static UpstreamWarnings shared() {
        return SHARED;
    }

    /**
     * Logs {@code message} (slf4j format, arguments after it) as a warning about the cluster, or
     * counts it when the cluster had one within the interval. Never a stack trace: pass
     * {@code cause.toString()}, not the exception.
     */
    public void warn(Logger log, String cluster, String message, Object... arguments) {
        long suppressed = admit(cluster);
        if (suppressed < 0) {
            if (log.isDebugEnabled()) {
                log.debug(message, arguments);
            }
            return;
        }
        if (suppressed == 0) {
            log.warn(message, arguments);
        } else {
            log.warn(message + " (and " + suppressed + " more for cluster " + cluster + " in the "
                    + INTERVAL.toSeconds() + " s before, not logged)", arguments);
        }
    }

    /** How many were held back since the last warning, or -1 when this one is to be held back too. */
    long admit(String cluster) {
        if (windows.size() > MAX_CLUSTERS) {
            windows.clear();
        }
        Window window = windows.computeIfAbsent(cluster, name -> new Window());
        long now = nanoClock.getAsLong();
        synchronized (window) {
            if (window.logged && now - window.lastLogged < intervalNanos) {
                window.suppressed++;
                return -1;
            }
            long suppressed = window.suppressed;
            window.logged = true;
            window.lastLogged = now;
            window.suppressed = 0;
            return suppressed;
        }
    }

    private static final class Window {
        boolean logged;
        long lastLogged;
        long suppressed;
    }
}
