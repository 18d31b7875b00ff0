package dev.portcullis.operator.tickets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks for a new translation at each rotation boundary, so the next snapshot carries the next
 * sealing key (the translation derives the keys from the seed and its clock; this only wakes it).
 * Logs the index that seals from now, never a key.
 */
public final class TicketRotation {

    private static final Logger LOG = LoggerFactory.getLogger(TicketRotation.class);

    private final SessionTicketSeed seed;
    private final Clock clock;
    private final Runnable rebuild;
    private final ScheduledExecutorService scheduler;

    private TicketRotation(SessionTicketSeed seed, Clock clock, Runnable rebuild, ScheduledExecutorService scheduler) {
        this.seed = seed;
        this.clock = clock;
        this.rebuild = rebuild;
        this.scheduler = scheduler;
    }

    /** Schedules the rotations on {@code scheduler}; they stop when it shuts down. */
    public static void start(SessionTicketSeed seed, Clock clock, Runnable rebuild, ScheduledExecutorService scheduler) {
        TicketRotation rotation = new TicketRotation(seed, clock, rebuild, scheduler);
        LOG.info("session ticket key {} seals new tickets; the key rotates every {} minutes", seed.index(clock.instant()),
                seed.period().toMinutes());
        rotation.scheduleNext();
    }

    private void scheduleNext() {
        Instant now = clock.instant();
        long delay = Math.max(0, Duration.between(now, seed.nextRotation(now)).toMillis());
        try {
            scheduler.schedule(this::rotate, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down.
        }
    }

    private void rotate() {
        try {
            LOG.info("session ticket key {} seals new tickets from now", seed.index(clock.instant()));
            rebuild.run();
        } catch (RuntimeException e) {
            LOG.error("session ticket rotation failed; the next boundary retries", e);
        } finally {
            scheduleNext();
        }
    }
}
