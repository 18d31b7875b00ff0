package dev.portcullis.dataplane.access;

import dev.portcullis.dataplane.config.AccessRules.RateLimit;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The buckets with a clock the test moves: nginx's burst arithmetic, Retry-After, the bounded table. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(int rps, int rpm, int multiplier, int connections, int maxClients, String... exempt) {
        return new RateLimiter(new RateLimit("default/site", rps, rpm, multiplier, connections, List.of(exempt)), maxClients,
                now::get);
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void aClientMaySendTheBurstPlusOneAtOnceThenWaits() throws Exception {
        RateLimiter limiter = limiter(2, 0, 5, 0, 100);
        InetAddress client = address("10.0.0.1");
        for (int i = 0; i < 2 * 5 + 1; i++) {
            assertThat(limiter.admit(client)).as("request %d", i + 1).isZero();
        }
        assertThat(limiter.admit(client)).isEqualTo(1); // Retry-After: one interval (0.5 s) rounds up to 1 s
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isEqualTo(1);
    }

    @Test
    void eachClientHasItsOwnBucket() throws Exception {
        RateLimiter limiter = limiter(1, 0, 1, 0, 100);
        assertThat(limiter.admit(address("10.0.0.1"))).isZero();
        assertThat(limiter.admit(address("10.0.0.1"))).isZero();
        assertThat(limiter.admit(address("10.0.0.1"))).isPositive();
        assertThat(limiter.admit(address("2001:db8::1"))).isZero();
    }

    @Test
    void aMinuteLimitSaysHowManySecondsToWait() throws Exception {
        RateLimiter limiter = limiter(0, 2, 1, 0, 100);
        InetAddress client = address("10.0.0.1");
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isEqualTo(30); // one request every 30 s
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertThat(limiter.admit(client)).isEqualTo(20);
    }

    @Test
    void bothRatesApplyWhenBothAreSet() throws Exception {
        RateLimiter limiter = limiter(100, 1, 1, 0, 100);
        InetAddress client = address("10.0.0.1");
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isEqualTo(60);
    }

    @Test
    void requestsInProgressAreBoundedAndFreedWhenDone() throws Exception {
        RateLimiter limiter = limiter(0, 0, 1, 2, 100);
        InetAddress client = address("10.0.0.1");
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isZero();
        assertThat(limiter.admit(client)).isEqualTo(1);
        assertThat(limiter.admit(address("10.0.0.2"))).isZero();
        limiter.done(client);
        assertThat(limiter.admit(client)).isZero();
    }

    @Test
    void exemptNetworksAreKnown() throws Exception {
        RateLimiter limiter = limiter(1, 0, 1, 0, 100, "10.0.0.0/8", "2001:db8::/32");
        assertThat(limiter.exempts(address("10.200.0.1"))).isTrue();
        assertThat(limiter.exempts(address("2001:db8::7"))).isTrue();
        assertThat(limiter.exempts(address("11.0.0.1"))).isFalse();
    }

    @Test
    void theTableIsBoundedIdleClientsAreSweptAndANewClientIsRefusedWhileItIsFull() throws Exception {
        RateLimiter limiter = limiter(1, 0, 1, 0, 3);
        for (int i = 1; i <= 3; i++) {
            assertThat(limiter.admit(address("10.0.0." + i))).isZero();
        }
        // Full, and every bucket is still draining: a new address is refused, nothing grows.
        assertThat(limiter.admit(address("10.0.0.4"))).isEqualTo(RateLimiter.TABLE_FULL);
        assertThat(limiter.size()).isEqualTo(3);
        // Once the buckets are full again (idle), the next new address sweeps them.
        now.addAndGet(TimeUnit.SECONDS.toNanos(5));
        assertThat(limiter.admit(address("10.0.0.4"))).isZero();
        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void aFloodOfNewAddressesSweepsAtMostOncePerInterval() throws Exception {
        RateLimiter limiter = limiter(1, 0, 1, 1, 2);
        assertThat(limiter.admit(address("10.0.0.1"))).isZero(); // in progress: never swept
        assertThat(limiter.admit(address("10.0.0.2"))).isZero();
        for (int i = 3; i < 1000; i++) {
            assertThat(limiter.admit(address("10.0." + (i / 256) + "." + (i % 256)))).isEqualTo(RateLimiter.TABLE_FULL);
        }
        assertThat(limiter.size()).isEqualTo(2);
    }
}
