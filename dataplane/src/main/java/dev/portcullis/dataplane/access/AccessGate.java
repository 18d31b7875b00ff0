package dev.portcullis.dataplane.access;

import dev.portcullis.dataplane.auth.ExternalAuthTarget;
import dev.portcullis.dataplane.config.AccessRules;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.net.InetAddress;

/**
 * A route's access rules, compiled: source ranges, then rate limits (with their exemptions), then,
 * for a request that passed both, the external authentication service ({@link #auth()}).
 */
public final class AccessGate {

    private final SourceRanges sourceRanges;
    private final RateLimiter rateLimiter;
    private final ExternalAuthTarget auth;

    /** What {@link #check} decided. */
    public sealed interface Outcome permits Admitted, Refused {
    }

    /** The request goes on; {@link #release} once it has ended (it may count as in progress). */
    public record Admitted(RateLimiter countedIn, InetAddress client) implements Outcome {
        public void release() {
            if (countedIn != null) {
                countedIn.done(client);
            }
        }
    }

    /** The proxy answers instead: 403, or 429 with {@code Retry-After} ({@code retryAfterSeconds} > 0). */
    public record Refused(HttpResponseStatus status, String detail, long retryAfterSeconds) implements Outcome {
    }

    private static final Admitted ADMITTED = new Admitted(null, null);

    private AccessGate(SourceRanges sourceRanges, RateLimiter rateLimiter, ExternalAuthTarget auth) {
        this.sourceRanges = sourceRanges;
        this.rateLimiter = rateLimiter;
        this.auth = auth;
    }

    /** {@code null} for a route without access rules. Runs while a snapshot compiles. */
    public static AccessGate of(AccessRules rules) {
        if (rules == null) {
            return null;
        }
        return new AccessGate(SourceRanges.of(rules.allow(), rules.deny()),
                rules.rateLimit() == null ? null : RateLimitZones.zone(rules.rateLimit()),
                rules.auth() == null ? null : ExternalAuthTarget.of(rules.auth()));
    }

    public Outcome check(InetAddress client) {
        if (sourceRanges != null && !sourceRanges.admits(client)) {
            return new Refused(HttpResponseStatus.FORBIDDEN, "your address may not use this route", 0);
        }
        if (rateLimiter == null || client == null || rateLimiter.exempts(client)) {
            return ADMITTED;
        }
        long wait = rateLimiter.admit(client);
        if (wait == RateLimiter.TABLE_FULL) {
            return new Refused(HttpResponseStatus.TOO_MANY_REQUESTS, "too many clients are being rate-limited", 1);
        }
        if (wait > 0) {
            return new Refused(HttpResponseStatus.TOO_MANY_REQUESTS, "too many requests from your address", wait);
        }
        return rateLimiter.limitsConnections() ? new Admitted(rateLimiter, client) : ADMITTED;
    }

    /** The external authentication service to ask, or {@code null}. */
    public ExternalAuthTarget auth() {
        return auth;
    }
}
