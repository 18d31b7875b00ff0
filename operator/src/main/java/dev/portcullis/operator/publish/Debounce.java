package dev.portcullis.operator.publish;

import java.time.Duration;
import java.time.Instant;

/**
 * When to rebuild after changes. A change after a quiet spell (no change pending, no rebuild
 * within {@code holdOff}) is rebuilt at once: a lone edit should not wait. Otherwise
 * {@code holdOff} after the last change, but never later than {@code maxHoldOff} after the first
 * change still pending, so a burst (a {@code kubectl apply} of many objects) is rebuilt once it
 * settles. {@link #alwaysWaiting} has no "at once": every change waits for the pause. Pure: the
 * caller passes the time in.
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
            if (loneChangeAtOnce && (lastRebuild == null || !now.isBefore(lastRebuild.plus(holdOff)))) {
                return now;
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
