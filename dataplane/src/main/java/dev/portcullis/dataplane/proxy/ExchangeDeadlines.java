package dev.portcullis.dataplane.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The timers of one client connection's exchanges, on its event loop: the endpoint's time to
 * start a response (counted once it has the whole request), the longest silence inside a body
 * either way, and how long the client may leave a response unread. Each fires into its owner.
 */
final class ExchangeDeadlines {

    interface Owner {
        void responseTimedOut();

        /** Whether a body is moving now (not while the endpoint thinks about its answer). */
        boolean bodyStreaming();

        /**
         * The longest silence allowed now: it may differ while the request body goes to the
         * endpoint (its send timeout) and once the endpoint's response runs (its idle timeout).
         */
        long bodyIdleLimitMillis();

        void bodyIdle(long idleMillis);

        void writeStalled();
    }

    private final EventExecutor executor;
    private final Owner owner;
    private final LazyDeadline responseStart;
    private final LazyDeadline bodyIdleCheck;
    private ScheduledFuture<?> writeStall;
    private long lastBodyProgressNanos;

    ExchangeDeadlines(EventExecutor executor, Owner owner) {
        this.executor = executor;
        this.owner = owner;
        this.responseStart = new LazyDeadline(executor, owner::responseTimedOut);
        this.bodyIdleCheck = new LazyDeadline(executor, this::checkBodyIdle);
    }

    /** Starts the endpoint's response-start timer at {@code nowNanos}, unless it runs already. */
    void startResponseTimer(long millis, long nowNanos) {
        if (!responseStart.armed()) {
            responseStart.arm(millis, nowNanos);
        }
    }

    /** Call once the owner counts the response as started: the body silence allowed may change then. */
    void responseStarted() {
        responseStart.disarm();
        if (bodyIdleCheck.armed()) {
            bodyIdleCheck.arm(owner.bodyIdleLimitMillis());
        }
    }

    /**
     * Watches the exchange's bodies for silence longer than the owner's
     * {@link Owner#bodyIdleLimitMillis() limit}. Checked at the limit's pace, not rescheduled per
     * chunk: a 1 GB upload that keeps moving lives.
     */
    void watchBodies(long nowNanos) {
        bodyProgress(nowNanos);
        bodyIdleCheck.arm(owner.bodyIdleLimitMillis(), nowNanos);
    }

    /** Some of a body moved at {@code nowNanos}. */
    void bodyProgress(long nowNanos) {
        lastBodyProgressNanos = nowNanos;
    }

    /** The exchange is over (or its endpoint gone): its response and body timers stop. */
    void exchangeEnded() {
        responseStart.disarm();
        bodyIdleCheck.disarm();
    }

    /** The connection leaves HTTP (or closes): every timer stops. */
    void closed() {
        responseStart.stop();
        bodyIdleCheck.stop();
        writeStall = cancel(writeStall);
    }

    /** A client that stops reading holds our buffers and an endpoint's connection: not for ever. */
    void clientWritabilityChanged(boolean writable, long stallMillis) {
        if (writable) {
            writeStall = cancel(writeStall);
        } else if (writeStall == null) {
            writeStall = executor.schedule(() -> {
                writeStall = null;
                owner.writeStalled();
            }, stallMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void checkBodyIdle() {
        boolean streaming = owner.bodyStreaming();
        long bodyIdleMillis = owner.bodyIdleLimitMillis();
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastBodyProgressNanos);
        if (!streaming || idleMillis < bodyIdleMillis) {
            bodyIdleCheck.arm(Math.max(1, bodyIdleMillis - (streaming ? idleMillis : 0)));
            return;
        }
        owner.bodyIdle(idleMillis);
    }

    private static ScheduledFuture<?> cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
        return null;
    }
}
