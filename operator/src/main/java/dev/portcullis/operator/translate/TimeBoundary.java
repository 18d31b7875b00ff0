package dev.portcullis.operator.translate;

import java.time.Duration;
import java.time.Instant;

/**
 * The first instant after a translation's clock at which one of its answers that depend on the
 * time could change (a certificate enters or leaves its dates or its expiry warning, the hours of
 * that warning tick, an OCSP staple expires): until then, the same objects translate the same.
 */
final class TimeBoundary {

    private final Instant now;
    private Instant next = Instant.MAX;

    TimeBoundary(Instant now) {
        this.now = now;
    }

    /** Something read at {@code now} reads otherwise from {@code when} on. */
    void at(Instant when) {
        if (when.isAfter(now) && when.isBefore(next)) {
            next = when;
        }
    }

    /** A certificate's dates: valid from {@code notBefore}, through {@code notAfter}. */
    void dates(Instant notBefore, Instant notAfter) {
        at(notBefore);
        at(notAfter.plusNanos(1));
    }

    /** An expiry warning that says how many days and hours are left: it changes with every hour. */
    void hoursLeft(Instant notAfter, Duration warnedFrom) {
        at(notAfter.minus(warnedFrom).plusNanos(1));
        Duration left = Duration.between(now, notAfter);
        if (!left.isNegative()) {
            at(notAfter.minus(Duration.ofHours(left.toHours())).plusNanos(1));
        }
    }

    Instant next() {
        return next;
    }
}
