package dev.portcullis.operator.ocsp;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.runtime.DaemonThreads;
import dev.portcullis.operator.translate.OcspStaple;
import dev.portcullis.operator.translate.OcspStaples;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches, for each served certificate that names an OCSP responder, a checked response, and keeps
 * it fresh: refreshed halfway through its validity (thisUpdate to nextUpdate), a failed fetch
 * retried with backoff while the last good response stays stapled until its nextUpdate. It runs on
 * its own thread, never the reconcile or publish loop; when what it holds changes (a new response,
 * a failure, an expiry) it calls {@code onChange} so the snapshot is translated again with
 * {@link #staples()} as input. One fetch serves every data plane: they staple what the snapshot carries.
 */
public final class OcspStapler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OcspStapler.class);

    /** Responses valid for a minute or less exist (test CAs, some responders): refresh no sooner than this. */
    /** Fetches at once: enough for many responders, not a flood for one. */
    static final int PARALLEL_FETCHES = 8;
    static final Duration MIN_REFRESH = Duration.ofSeconds(5);
    static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(30);
    /** A response without nextUpdate is stapled this long after its thisUpdate (RFC 5019 responders always give one). */
    static final Duration WITHOUT_NEXT_UPDATE = Duration.ofHours(1);

    private enum Gauged { GOOD, REVOKED, EXPIRED, FAILING }

    /** One certificate's state. Owned by the stapler's thread. */
    private static final class Entry {
        final OcspTarget target;
        OcspStaple staple;
        Instant nextAttempt = Instant.MIN;
        int failures;
        boolean expiredSeen;

        Entry(OcspTarget target) {
            this.target = target;
            this.staple = new OcspStaple(null, OcspStaple.Status.NONE, null, null, null, target.responder().toString());
        }
    }

    private final OcspFetcher fetcher;
    private final Clock clock;
    private final Runnable onChange;
    private final ScheduledExecutorService thread;
    private final Counter fetchFailures;
    private final Map<Gauged, AtomicInteger> gauges = new EnumMap<>(Gauged.class);
    /** What the last snapshot serves, by chain key: written by the publisher, read by the stapler's thread. */
    private final Map<String, OcspTarget> targets = new ConcurrentHashMap<>();
    private final Set<String> withoutResponder = ConcurrentHashMap.newKeySet();
    private final Map<String, Entry> entries = new HashMap<>();
    /** The key of each chain tracked last time, by its PEM: a change republishes the same strings, hashed once. */
    private Map<String, String> keysByChain = new HashMap<>();
    private volatile OcspStaples staples = OcspStaples.NONE;
    /** The pass due next (a refresh, a retry, an expiry), on the stapler's thread. */
    private java.util.concurrent.ScheduledFuture<?> nextPass;

    /** Takes {@code fetcher} over: {@link #close()} closes it. */
    public OcspStapler(OcspFetcher fetcher, Clock clock, MeterRegistry metrics, Runnable onChange) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.onChange = onChange;
        this.thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portcullis-ocsp-stapler"));
        this.fetchFailures = Counter.builder("portcullis.operator.ocsp.fetch.failures")
                .description("OCSP fetches that failed (unreachable responder, HTTP error, or an answer that did not verify)")
                .register(metrics);
        for (Gauged status : Gauged.values()) {
            AtomicInteger count = new AtomicInteger();
            gauges.put(status, count);
            Gauge.builder("portcullis.operator.ocsp.staples", count, AtomicInteger::get)
                    .description("Served certificates with an OCSP responder, by the state of their staple: good, revoked"
                            + " (both stapled), failing (refresh failing, last good response stapled), expired (not stapled)")
                    .tag("status", status.name().toLowerCase(java.util.Locale.ROOT)).register(metrics);
        }
    }

    /**
     * Passes run when the next refresh, retry or expiry is due; {@code tick} is a safety net (a clock
     * that jumps) that checks again at least that often.
     */
    public OcspStapler start(Duration tick) {
        thread.scheduleWithFixedDelay(this::passQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The staples as of now, for translation. Any thread. */
    public OcspStaples staples() {
        return staples;
    }

    /**
     * The certificates a snapshot serves (hosts and the default): new ones with a responder are
     * fetched now, ones no longer served are forgotten. Any thread; cheap when nothing is new.
     */
    public synchronized void track(Snapshot snapshot) {
        Set<String> served = new HashSet<>();
        if (snapshot.defaultCertificate() != null) {
            served.add(snapshot.defaultCertificate());
        }
        snapshot.virtualHosts().forEach(host -> {
            if (host.certificate() != null) {
                served.add(host.certificate());
            }
        });
        Set<String> keys = new HashSet<>();
        Map<String, String> keysNow = new HashMap<>();
        boolean added = false;
        for (TlsCertificate certificate : snapshot.certificates()) {
            if (certificate.keepServing() || !served.contains(certificate.name())) {
                continue;
            }
            String chain = certificate.certificateChainPem();
            String key = keysByChain.get(chain);
            if (key == null) {
                key = OcspStaples.keyOf(chain);
            }
            keysNow.put(chain, key);
            keys.add(key);
            if (targets.containsKey(key) || withoutResponder.contains(key)) {
                continue;
            }
            var parsed = OcspTarget.chain(chain); // once: 10,000 at a cold start
            var target = OcspTarget.of(parsed);
            if (target.isPresent()) {
                targets.put(key, target.get());
                added = true;
            } else {
                withoutResponder.add(key);
                if (OcspTarget.namesResponderWithoutIssuer(parsed)) {
                    LOG.warn("certificate {} names an OCSP responder but its tls.crt does not carry the issuer after it:"
                            + " not stapled (put the intermediate certificate in tls.crt)", certificate.name());
                }
            }
        }
        keysByChain = keysNow;
        boolean removed = targets.keySet().retainAll(keys);
        withoutResponder.retainAll(keys);
        if ((added || removed) && !thread.isShutdown()) {
            thread.execute(this::passQuietly);
        }
    }

    /** Runs one pass now (fetching what is due) and returns when it is done: for tests and startup. */
    public void refreshNow() {
        try {
            thread.submit(this::pass).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("OCSP pass failed", e.getCause());
        }
    }

    /**
     * Runs a pass and waits for it at most {@code max} (at startup, so the first snapshot served
     * already staples what responders answer quickly); a slower pass goes on in the background.
     */
    public boolean refreshNow(Duration max) {
        try {
            thread.submit(this::passQuietly).get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | java.util.concurrent.TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.error("OCSP stapling pass failed", e);
        }
    }

    private void pass() {
        boolean changed = entries.keySet().retainAll(targets.keySet());
        targets.forEach((key, target) -> entries.computeIfAbsent(key, unused -> new Entry(target)));
        Instant now = clock.instant();
        Map<Entry, Object> fetched = fetchAll(entries.values().stream().filter(entry -> !now.isBefore(entry.nextAttempt)).toList(), now);
        for (Entry entry : entries.values()) {
            OcspStaple before = entry.staple;
            if (fetched.containsKey(entry)) {
                fetch(entry, now, fetched.get(entry));
            }
            if (entry.staple.response() != null && !entry.staple.usableAt(now)) {
                if (!entry.expiredSeen) {
                    entry.expiredSeen = true;
                    changed = true;
                    LOG.warn("{}: its OCSP response expired at {}; stapling stopped until a fetch succeeds",
                            entry.target.describe(), entry.staple.nextUpdate());
                }
            }
            if (!Objects.equals(before, entry.staple)) {
                changed = true;
            }
        }
        if (changed) {
            Map<String, OcspStaple> current = new HashMap<>();
            entries.forEach((key, entry) -> current.put(key, entry.staple));
            staples = new OcspStaples(current);
            updateGauges();
            onChange.run();
        }
        scheduleNext();
    }

    /** One pass at the earliest refresh, retry or expiry to come, so an expired response leaves the snapshot on time. */
    private void scheduleNext() {
        Instant due = null;
        for (Entry entry : entries.values()) {
            due = earliest(due, entry.nextAttempt);
            if (entry.staple.response() != null && !entry.expiredSeen) {
                due = earliest(due, entry.staple.nextUpdate());
            }
        }
        if (nextPass != null) {
            nextPass.cancel(false);
            nextPass = null;
        }
        if (due != null && !thread.isShutdown()) {
            long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis()) + 1;
            nextPass = thread.schedule(this::passQuietly, delay, TimeUnit.MILLISECONDS);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }

    /**
     * Fetches and checks the due responses, up to {@link #PARALLEL_FETCHES} at a time (on virtual
     * threads), so one slow responder does not hold up the others: each entry's outcome is a
     * {@link VerifiedResponse} or the {@link OcspException} that says why not.
     */
    private Map<Entry, Object> fetchAll(List<Entry> due, Instant now) {
        Map<Entry, Object> outcomes = new HashMap<>();
        if (due.size() == 1) {
            outcomes.put(due.getFirst(), attempt(due.getFirst().target, now));
            return outcomes;
        }
        Semaphore slots = new Semaphore(PARALLEL_FETCHES);
        Map<Entry, Future<Object>> running = new HashMap<>();
        try (ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Entry entry : due) {
                running.put(entry, fetches.submit(() -> {
                    slots.acquire();
                    try {
                        return attempt(entry.target, now);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Map.Entry<Entry, Future<Object>> fetch : running.entrySet()) {
                try {
                    outcomes.put(fetch.getKey(), fetch.getValue().get());
                } catch (ExecutionException e) {
                    outcomes.put(fetch.getKey(), new OcspException("OCSP fetch failed: " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcomes.put(fetch.getKey(), new OcspException("interrupted"));
                }
            }
        }
        return outcomes;
    }

    private Object attempt(OcspTarget target, Instant now) {
        try {
            return OcspResponseVerifier.verify(fetcher.fetch(target), target, now);
        } catch (OcspException e) {
            return e;
        }
    }

    private void fetch(Entry entry, Instant now, Object outcome) {
        OcspStaple last = entry.staple;
        try {
            if (outcome instanceof OcspException failure) {
                throw failure;
            }
            VerifiedResponse response = (VerifiedResponse) outcome;
            if (response.status() == VerifiedResponse.CertStatus.UNKNOWN) {
                // The responder no longer vouches for the certificate: what was held is dropped, not stapled.
                String why = "the OCSP responder does not know the certificate (status unknown); not stapled";
                entry.staple = new OcspStaple(null, OcspStaple.Status.UNKNOWN, null, null, why, last.responder());
                entry.failures++;
                entry.nextAttempt = now.plus(retryAfter(entry.failures, entry.staple, now));
                if (last.status() != OcspStaple.Status.UNKNOWN) {
                    LOG.warn("{}: {}", entry.target.describe(), why);
                }
                return;
            }
            Instant nextUpdate = response.nextUpdate() != null ? response.nextUpdate()
                    : response.thisUpdate().plus(WITHOUT_NEXT_UPDATE);
            OcspStaple.Status status = response.status() == VerifiedResponse.CertStatus.REVOKED
                    ? OcspStaple.Status.REVOKED : OcspStaple.Status.GOOD;
            entry.staple = new OcspStaple(Base64.getEncoder().encodeToString(response.der()), status, nextUpdate,
                    response.revokedAt(), null, last.responder());
            entry.failures = 0;
            entry.expiredSeen = false;
            entry.nextAttempt = refreshAt(response.thisUpdate(), nextUpdate, now);
            if (last.status() != status || last.failure() != null) {
                if (status == OcspStaple.Status.REVOKED) {
                    LOG.warn("{}: the OCSP responder says it is REVOKED (since {}); stapling that", entry.target.describe(),
                            response.revokedAt());
                } else {
                    LOG.info("{}: OCSP status good, stapled until {}", entry.target.describe(), nextUpdate);
                }
            }
        } catch (OcspException e) {
            fetchFailures.increment();
            entry.failures++;
            entry.staple = new OcspStaple(last.response(), last.status(), last.nextUpdate(), last.revokedAt(), e.getMessage(),
                    last.responder());
            entry.nextAttempt = now.plus(retryAfter(entry.failures, entry.staple, now));
            if (!Objects.equals(last.failure(), e.getMessage())) {
                LOG.warn("{}: OCSP fetch failed: {}; {}", entry.target.describe(), e.getMessage(),
                        entry.staple.usableAt(now) ? "stapling the last good response until " + entry.staple.nextUpdate()
                                : "no staple");
            }
        }
    }

    /** Halfway through the response's validity, at least {@link #MIN_REFRESH} from now. */
    static Instant refreshAt(Instant thisUpdate, Instant nextUpdate, Instant now) {
        Instant half = thisUpdate.plus(Duration.between(thisUpdate, nextUpdate).dividedBy(2));
        Instant earliest = now.plus(MIN_REFRESH);
        return half.isBefore(earliest) ? earliest : half;
    }

    /** Doubling from a minute up to thirty, and never so late that a kept response expires before the retry. */
    static Duration retryAfter(int failures, OcspStaple staple, Instant now) {
        Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 5));
        if (backoff.compareTo(MAX_RETRY) > 0) {
            backoff = MAX_RETRY;
        }
        if (staple.usableAt(now)) {
            Duration left = Duration.between(now, staple.nextUpdate()).dividedBy(2);
            if (left.compareTo(backoff) < 0) {
                backoff = left.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : left;
            }
        }
        return backoff;
    }

    private void updateGauges() {
        Instant now = clock.instant();
        Map<Gauged, Integer> counts = new EnumMap<>(Gauged.class);
        for (Entry entry : entries.values()) {
            OcspStaple staple = entry.staple;
            Gauged state;
            if (!staple.usableAt(now)) {
                state = staple.response() != null ? Gauged.EXPIRED : staple.failure() != null ? Gauged.FAILING : null;
            } else if (staple.failure() != null) {
                state = Gauged.FAILING;
            } else {
                state = staple.status() == OcspStaple.Status.REVOKED ? Gauged.REVOKED : Gauged.GOOD;
            }
            if (state != null) {
                counts.merge(state, 1, Integer::sum);
            }
        }
        gauges.forEach((status, gauge) -> gauge.set(counts.getOrDefault(status, 0)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        fetcher.close();
    }
}
