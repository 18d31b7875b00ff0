package dev.portcullis.dataplane.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * One deadline of a connection, armed and disarmed per request without a scheduled task per
 * request. Scheduling a Netty task and cancelling it costs an allocation and two heap operations on
 * the event loop's timer queue; on keep-alive every request armed and cancelled several. Here a
 * disarm leaves the pending check in place, and a check that finds the deadline moved later (the
 * next request re-armed it) schedules itself again for the rest: at most one task per deadline
 * period, whatever the request rate. Only on the event loop of {@code executor}.
 */
final class LazyDeadline {

    private final EventExecutor executor;
    private final Runnable onExpiry;
    private final Runnable check = this::check;
    private ScheduledFuture<?> pending;
    private long pendingAtNanos;
    private long deadlineNanos;
    private boolean armed;

    LazyDeadline(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** Expires {@code millis} from now (whether it was armed or not). */
    void arm(long millis) {
        arm(millis, System.nanoTime());
    }

    /** Expires {@code millis} after {@code nowNanos}, a {@link System#nanoTime()} the caller has just read. */
    void arm(long millis, long nowNanos) {
        deadlineNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(millis);
        armed = true;
        if (pending == null) {
            schedule();
        } else if (pendingAtNanos - deadlineNanos > 0) { // the pending check would come too late
            pending.cancel(false);
            schedule();
        }
    }

    boolean armed() {
        return armed;
    }

    /** It will not expire until armed again; a check already scheduled finds nothing to do. */
    void disarm() {
        armed = false;
    }

    /** Disarmed, and its pending check cancelled (the connection closes or leaves HTTP). */
    void stop() {
        armed = false;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void schedule() {
        pendingAtNanos = deadlineNanos;
        pending = executor.schedule(check, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void check() {
        pending = null;
        if (!armed) {
            return;
        }
        if (deadlineNanos - System.nanoTime() > 0) { // re-armed since: wait for the rest
            schedule();
            return;
        }
        armed = false;
        onExpiry.run();
    }
}
