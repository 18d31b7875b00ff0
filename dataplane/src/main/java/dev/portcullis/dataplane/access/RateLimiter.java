package dev.portcullis.dataplane.access;

import dev.portcullis.dataplane.config.AccessRules.RateLimit;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One rate-limit zone (the routes of one Ingress) on this data plane replica: per client address, a
 * bucket for requests a second, one for requests a minute, and a count of requests in progress.
 *
 * <p>Buckets follow nginx's {@code limit_req ... burst=B nodelay}: a client may send {@code B + 1}
 * requests at once, then one per interval. Each bucket is one {@link AtomicLong} (the generic cell
 * rate algorithm's theoretical arrival time), updated by compare-and-set: no lock on the hot path.
 * The table is bounded: at {@link #maxClients} entries, clients whose buckets are full again and who
 * have nothing in progress (who lose nothing by being forgotten) are swept, at most once per
 * {@link #SWEEP_INTERVAL_NANOS}; while it stays full, a new address is refused, as nginx refuses
 * when its zone's memory is exhausted, so that a flood of spoofed addresses cannot grow memory.
 */
public final class RateLimiter {

    static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    public static final int DEFAULT_MAX_CLIENTS = 100_000;

    /** What {@link #admit} answers when a new client finds the table full: try again in a second. */
    public static final long TABLE_FULL = -1;

    private final long secondInterval;
    private final long secondTolerance;
    private final long minuteInterval;
    private final long minuteTolerance;
    private final int connections;
    private final NetworkSet exempt;
    private final int maxClients;
    private final LongSupplier clock;
    private final ConcurrentHashMap<InetAddress, Client> clients = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE / 2);

    /** One client's buckets and requests in progress. */
    static final class Client {
        final AtomicLong second = new AtomicLong(Long.MIN_VALUE / 2);
        final AtomicLong minute = new AtomicLong(Long.MIN_VALUE / 2);
        int inProgress; // changed only inside the table's compute, per key

        boolean idle(long now) {
            return inProgress == 0 && second.get() <= now && minute.get() <= now;
        }
    }

    public RateLimiter(RateLimit settings, int maxClients, LongSupplier clock) {
        long burst = settings.burstMultiplier();
        secondInterval = settings.rps() == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / settings.rps();
        secondTolerance = secondInterval * (settings.rps() * burst + 1);
        minuteInterval = settings.rpm() == 0 ? 0 : TimeUnit.MINUTES.toNanos(1) / settings.rpm();
        minuteTolerance = minuteInterval * (settings.rpm() * burst + 1);
        connections = settings.connections();
        exempt = NetworkSet.of(settings.exempt());
        this.maxClients = maxClients;
        this.clock = clock;
    }

    public RateLimiter(RateLimit settings) {
        this(settings, DEFAULT_MAX_CLIENTS, System::nanoTime);
    }

    public boolean exempts(InetAddress client) {
        return exempt.contains(client);
    }

    public boolean limitsConnections() {
        return connections > 0;
    }

    /**
     * 0 when the request may go on (and is counted in progress, until {@link #done}); otherwise the
     * seconds the client should wait ({@code Retry-After}), or {@link #TABLE_FULL}.
     */
    public long admit(InetAddress client) {
        long now = clock.getAsLong();
        Client state = clients.get(client);
        if (state == null) {
            if (clients.size() >= maxClients && !sweep(now)) {
                return TABLE_FULL;
            }
            state = clients.computeIfAbsent(client, key -> new Client());
        }
        long wait = take(state.second, now, secondInterval, secondTolerance);
        if (wait == 0) {
            wait = take(state.minute, now, minuteInterval, minuteTolerance);
        }
        if (wait > 0) {
            return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + TimeUnit.SECONDS.toNanos(1) - 1));
        }
        if (connections > 0) {
            boolean[] admitted = {false};
            clients.compute(client, (key, current) -> {
                Client counted = current == null ? new Client() : current;
                if (counted.inProgress < connections) {
                    counted.inProgress++;
                    admitted[0] = true;
                }
                return counted;
            });
            if (!admitted[0]) {
                return 1;
            }
        }
        return 0;
    }

    /** A request {@link #admit} counted in progress has ended. */
    public void done(InetAddress client) {
        if (connections > 0) {
            clients.computeIfPresent(client, (key, counted) -> {
                counted.inProgress = Math.max(0, counted.inProgress - 1);
                return counted;
            });
        }
    }

    int size() {
        return clients.size();
    }

    /**
     * The generic cell rate algorithm: 0 and the arrival counted when the bucket has room, else the
     * nanoseconds until it has.
     */
    private static long take(AtomicLong arrival, long now, long interval, long tolerance) {
        if (interval == 0) {
            return 0;
        }
        while (true) {
            long theoretical = arrival.get();
            long next = Math.max(theoretical, now) + interval;
            long over = next - now - tolerance;
            if (over > 0) {
                return over;
            }
            if (arrival.compareAndSet(theoretical, next)) {
                return 0;
            }
        }
    }

    /** Forgets idle clients, at most once per interval; whether the table has room now. */
    private boolean sweep(long now) {
        long last = lastSweep.get();
        if (now - last >= SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
            for (InetAddress key : clients.keySet()) {
                clients.computeIfPresent(key, (k, state) -> state.idle(now) ? null : state);
            }
        }
        return clients.size() < maxClients;
    }
}
