package dev.portcullis.operator.publish;

import java.time.Duration;
import java.time.Instant;

/**
 * When to rebuild after changes: {@code holdOff} after the last change, but never later than
 * {@code maxHoldOff} after the first change still pending. Pure: the caller passes the time in.
 */
final class Debounce {

    private final Duration holdOff;
    private final Duration maxHoldOff;
    private Instant firstPending;

    Debounce(Duration holdOff, Duration maxHoldOff) {
        this.holdOff = holdOff;
        this.maxHoldOff = maxHoldOff;
    }

    /** A change happened at {@code now}: the time the rebuild is due. */
    Instant changed(Instant now) {
        if (firstPending == null) {
            firstPending = now;
        }
        Instant quiet = now.plus(holdOff);
        Instant latest = firstPending.plus(maxHoldOff);
        return quiet.isBefore(latest) ? quiet : latest;
    }

    /** The rebuild ran: nothing is pending any more. */
    void rebuilt() {
        firstPending = null;
    }
}
