package dev.portcullis.operator.publish;

import java.time.Duration;
import java.time.Instant;

/**
 * When to rebuild after changes. A lone change (none pending) is rebuilt at once, or, when the last
 * rebuild is less than {@code holdOff} ago, as soon as {@code holdOff} has passed since it: a lone
 * edit waits at most what is left of one hold-off, and rebuilds come at most once per hold-off. A
 * change while one is pending moves the rebuild to {@code holdOff} after the last change, but never
 * later than {@code maxHoldOff} after the first change still pending, so a burst (a {@code kubectl
 * apply} of many objects) is rebuilt once it settles. {@link #alwaysWaiting} has no "at once":
 * every change waits for the pause. Pure: the caller passes the time in.
 */
final class Debounce {

    private final Duration holdOff;
    private final Duration maxHoldOff;
    private final boolean loneChangeAtOnce;
    private Instant firstPending;
    private Instant lastRebuild;

    Debounce(Duration holdOff, Duration maxHoldOff) {
        this(holdOff, maxHoldOff, true);
    }

    private Debounce(Duration holdOff, Duration maxHoldOff, boolean loneChangeAtOnce) {
        this.holdOff = holdOff;
        this.maxHoldOff = maxHoldOff;
        this.loneChangeAtOnce = loneChangeAtOnce;
    }

    /** Rebuilds {@code holdOff} after the last change, and never later than {@code maxHoldOff} after the first. */
    static Debounce alwaysWaiting(Duration holdOff, Duration maxHoldOff) {
        return new Debounce(holdOff, maxHoldOff, false);
    }

    /** A change happened at {@code now}: the time the rebuild is due. */
    Instant changed(Instant now) {
        if (firstPending == null) {
            firstPending = now;
            if (loneChangeAtOnce) {
                // Held a whole hold-off from now, a change that came 90 ms after an unrelated rebuild
                // waited 100 ms where 10 ms kept the same pace.
                Instant allowed = lastRebuild == null ? now : lastRebuild.plus(holdOff);
                return now.isBefore(allowed) ? allowed : now;
            }
        }
        Instant quiet = now.plus(holdOff);
        Instant latest = firstPending.plus(maxHoldOff);
        return quiet.isBefore(latest) ? quiet : latest;
    }

    /** The rebuild ran at {@code now}: nothing is pending any more. */
    void rebuilt(Instant now) {
        firstPending = null;
        lastRebuild = now;
    }
}
