package dev.portcullis.dataplane.access;

import dev.portcullis.dataplane.config.AccessRules.RateLimit;

import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate-limit zones of this process, so that a new snapshot with the same zone keeps counting
 * where the last one was (a snapshot comes whenever a pod is added or removed; resetting the counts
 * then would give every client a fresh burst). A zone no configuration holds any longer is let go
 * by the garbage collector.
 */
final class RateLimitZones {

    private static final ConcurrentHashMap<RateLimit, WeakReference<RateLimiter>> ZONES = new ConcurrentHashMap<>();

    private RateLimitZones() {
    }

    /** Called while a snapshot compiles, off the event loops. */
    static RateLimiter zone(RateLimit settings) {
        ZONES.values().removeIf(reference -> reference.get() == null);
        RateLimiter[] found = new RateLimiter[1];
        ZONES.compute(settings, (key, reference) -> {
            RateLimiter existing = reference == null ? null : reference.get();
            found[0] = existing != null ? existing : new RateLimiter(settings);
            return existing != null ? reference : new WeakReference<>(found[0]);
        });
        return found[0];
    }
}
