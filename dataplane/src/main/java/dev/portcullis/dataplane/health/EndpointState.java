package dev.portcullis.dataplane.health;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one data plane knows of one endpoint: its run of passive failures and ejections, and its
 * active check's verdict. Event loops of every client connection report to it, so its methods
 * synchronize; they are short and never block.
 */
final class EndpointState {

    private int consecutiveFailures;
    private int timesEjected;
    private long ejectedUntilNanos;
    private boolean ejected;
    private boolean checkFailing;
    private int checkRun;
    private String lastCheckProblem;
    final AtomicLong checks = new AtomicLong();

    /** The endpoint is not failing its check and not ejected at {@code now}. */
    synchronized boolean usable(long now) {
        return !checkFailing && !ejectedAt(now);
    }

    synchronized boolean ejectedAt(long now) {
        if (ejected && now - ejectedUntilNanos >= 0) {
            ejected = false; // its time is up: it returns, its failure run forgotten
            consecutiveFailures = 0;
        }
        return ejected;
    }

    synchronized void succeeded() {
        consecutiveFailures = 0;
    }

    /** One more failure in a row; whether the run reached {@code threshold} (and the endpoint is not out already). */
    synchronized boolean failed(int threshold, long now) {
        consecutiveFailures++;
        return consecutiveFailures >= threshold && !ejectedAt(now);
    }

    /** Out until {@code base x times ejected}, at most {@code max}; returns the time it is out for. */
    synchronized long eject(long now, long baseNanos, long maxNanos) {
        timesEjected++;
        long forNanos = Math.min(maxNanos, baseNanos * timesEjected);
        ejected = true;
        ejectedUntilNanos = now + forNanos;
        consecutiveFailures = 0;
        return forNanos;
    }

    /** One active check's outcome; whether the endpoint's verdict changed. */
    synchronized boolean checked(boolean passed, String problem, int healthyThreshold, int unhealthyThreshold) {
        checks.incrementAndGet();
        if (passed != (checkRun >= 0)) {
            checkRun = 0; // the run changed direction
        }
        checkRun += passed ? 1 : -1;
        lastCheckProblem = passed ? null : problem;
        if (checkFailing && passed && checkRun >= healthyThreshold) {
            checkFailing = false;
            return true;
        }
        if (!checkFailing && !passed && -checkRun >= unhealthyThreshold) {
            checkFailing = true;
            return true;
        }
        return false;
    }

    synchronized EndpointView view(long now) {
        boolean out = ejectedAt(now);
        return new EndpointView(checkFailing ? "failing-checks" : out ? "ejected" : "healthy",
                out ? (ejectedUntilNanos - now) / 1_000_000 : 0, timesEjected, consecutiveFailures, checks.get(),
                lastCheckProblem);
    }
}
