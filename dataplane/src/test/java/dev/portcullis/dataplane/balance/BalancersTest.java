package dev.portcullis.dataplane.balance;

import dev.portcullis.dataplane.config.HashKey;
import dev.portcullis.dataplane.config.SessionAffinity;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Distribution of each policy, counted over many picks (never timed). */
class BalancersTest {

    private static final List<InetSocketAddress> FOUR = List.of(endpoint(1), endpoint(2), endpoint(3), endpoint(4));
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    @Test
    void roundRobinGivesEachEndpointItsTurn() {
        Map<InetSocketAddress, Integer> counts = count(new RoundRobinBalancer(FOUR), 400, i -> request(null, null));
        assertThat(counts.values()).containsOnly(100);
    }

    @Test
    void weightedRoundRobinFollowsTheWeightsAndInterleaves() {
        RoundRobinBalancer balancer = new RoundRobinBalancer(FOUR.subList(0, 3), new int[] {5, 1, 1});
        List<InetSocketAddress> turn = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            turn.add(balancer.next(CLIENT, 0));
        }
        assertThat(turn).filteredOn(FOUR.get(0)::equals).hasSize(5);
        assertThat(turn.subList(0, 4)).as("smooth: the light endpoints are not left to the end").contains(FOUR.get(1));
        Map<InetSocketAddress, Integer> counts = count(balancer, 700, i -> request(null, null));
        assertThat(counts).containsEntry(FOUR.get(0), 500).containsEntry(FOUR.get(1), 100).containsEntry(FOUR.get(2), 100);
    }

    @Test
    void weightsTooHeavyForOneTurnStillShareByWeight() {
        RoundRobinBalancer balancer = new RoundRobinBalancer(FOUR.subList(0, 2), new int[] {1000, 9000});
        Map<InetSocketAddress, Integer> counts = count(balancer, 20_000, i -> request(null, null));
        assertThat(counts.get(FOUR.get(0))).isBetween(1_500, 2_500);
        assertThat(counts.get(FOUR.get(1))).isBetween(17_500, 18_500);
    }

    @Test
    void leastRequestPrefersTheEndpointWithFewerInFlight() {
        LeastRequestBalancer balancer = new LeastRequestBalancer(FOUR.subList(0, 2), null);
        balancer.started(FOUR.get(0)); // a slow request holds endpoint 1
        Map<InetSocketAddress, Integer> counts = count(balancer, 100, i -> request(null, null));
        assertThat(counts).containsOnlyKeys(FOUR.get(1));
        balancer.finished(FOUR.get(0));
        assertThat(balancer.inFlight(FOUR.get(0))).isZero();
        assertThat(count(balancer, 1000, i -> request(null, null))).hasSize(2);
    }

    @Test
    void leastRequestWeighsInFlightByWeight() {
        LeastRequestBalancer balancer = new LeastRequestBalancer(FOUR.subList(0, 2), new int[] {3, 1});
        balancer.started(FOUR.get(0));
        balancer.started(FOUR.get(0)); // 2 of 3 for the heavy endpoint
        balancer.started(FOUR.get(1)); // 1 of 1 for the light one
        assertThat(count(balancer, 100, i -> request(null, null))).containsOnlyKeys(FOUR.get(0));
    }

    @Test
    void leastRequestSpreadsWhenIdleAndAvoidsTheBusiest() {
        LeastRequestBalancer balancer = new LeastRequestBalancer(FOUR, null);
        for (int i = 0; i < 5; i++) {
            balancer.started(FOUR.get(3));
        }
        Map<InetSocketAddress, Integer> counts = count(balancer, 3000, i -> request(null, null));
        assertThat(counts).doesNotContainKey(FOUR.get(3)); // it loses every draw it is in
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    @Test
    void ringHashSendsAKeyToOneEndpointAndSpreadsKeys() {
        RingHashBalancer ring = new RingHashBalancer(FOUR, null, HashKey.header("X-User"));
        InetSocketAddress first = ring.next(request("user-7", null), 0);
        for (int i = 0; i < 20; i++) {
            assertThat(ring.next(request("user-7", null), 0)).isEqualTo(first);
        }
        assertThat(new RingHashBalancer(FOUR, null, HashKey.header("X-User")).next(request("user-7", null), 0))
                .as("another data plane builds the same ring").isEqualTo(first);
        Map<InetSocketAddress, Integer> counts = count(ring, 4000, i -> request("user-" + i, null));
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(700, 1300));
    }

    @Test
    void ringHashRemovingAnEndpointMovesOnlyItsKeysAndAddingOneTakesOnlyForItself() {
        RingHashBalancer before = new RingHashBalancer(FOUR, null, HashKey.cookie("session"));
        RingHashBalancer after = new RingHashBalancer(FOUR.subList(0, 3), null, HashKey.cookie("session"));
        List<InetSocketAddress> five = new ArrayList<>(FOUR);
        five.add(endpoint(5));
        RingHashBalancer grown = new RingHashBalancer(five, null, HashKey.cookie("session"));
        int moved = 0;
        for (int i = 0; i < 2000; i++) {
            BalanceRequest request = request(null, "s" + i);
            InetSocketAddress was = before.next(request, 0);
            if (!was.equals(FOUR.get(3))) {
                assertThat(after.next(request, 0)).isEqualTo(was);
            }
            InetSocketAddress now = grown.next(request, 0);
            assertThat(now).isIn(was, endpoint(5));
            moved += now.equals(was) ? 0 : 1;
        }
        assertThat(moved).as("the new endpoint takes about a fifth").isBetween(250, 550);
    }

    @Test
    void ringHashHonoursWeightsAndRetriesAnotherEndpoint() {
        RingHashBalancer ring = new RingHashBalancer(FOUR.subList(0, 2), new int[] {3, 1}, HashKey.CLIENT_ADDRESS);
        Map<InetSocketAddress, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            BalanceRequest request = BalanceRequest.of(address(i));
            InetSocketAddress first = ring.next(request, 0);
            counts.merge(first, 1, Integer::sum);
            assertThat(ring.next(request, 1)).isNotEqualTo(first);
        }
        assertThat(counts.get(FOUR.get(0))).isBetween(2700, 3300);
    }

    @Test
    void ringHashByUriKeepsATargetOnOneEndpoint() {
        RingHashBalancer ring = new RingHashBalancer(FOUR, null, HashKey.REQUEST_URI);
        BalanceRequest page = new BalanceRequest() {
            @Override
            public InetAddress client() {
                return CLIENT;
            }

            @Override
            public String header(String name) {
                return null;
            }

            @Override
            public String cookie(String name) {
                return null;
            }

            @Override
            public String uri() {
                return "/catalog?page=2";
            }
        };
        InetSocketAddress first = ring.next(page, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(ring.next(page, 0)).isEqualTo(first);
        }
    }

    @Test
    void ringHashWithoutTheKeyBalancesInTurn() {
        RingHashBalancer ring = new RingHashBalancer(FOUR, null, HashKey.header("X-User"));
        assertThat(count(ring, 400, i -> request(null, null)).values()).containsOnly(100);
    }

    @Test
    void cookieAffinityPinsToTheNamedEndpointUntilItLeaves() {
        SessionAffinity settings = new SessionAffinity("route", 3600L, null, "/app", "None", false, null);
        CookieAffinity affinity = new CookieAffinity("default/web:80", settings, FOUR);
        CookieAffinityBalancer sticky = new CookieAffinityBalancer(new RoundRobinBalancer(FOUR), affinity);
        String id = affinity.idOf(FOUR.get(2));
        assertThat(id).matches("[0-9a-f]{16}").doesNotContain("127");
        assertThat(affinity.setCookie(FOUR.get(2), 0))
                .isEqualTo("route=" + id + "; Path=/app; Max-Age=3600; Secure; HttpOnly; SameSite=None");
        for (int i = 0; i < 10; i++) {
            assertThat(sticky.next(request(null, id), 0)).isEqualTo(FOUR.get(2));
        }
        assertThat(new CookieAffinity("default/web:80", settings, FOUR).idOf(FOUR.get(2)))
                .as("every replica and restart names it alike").isEqualTo(id);
        assertThat(new CookieAffinity("other/web:80", settings, FOUR).idOf(FOUR.get(2))).isNotEqualTo(id);
        CookieAffinity withoutIt = new CookieAffinity("default/web:80", settings, List.of(FOUR.get(0), FOUR.get(1)));
        assertThat(withoutIt.endpointOf(id)).as("the endpoint left").isNull();
        assertThat(affinity.endpointOf("forged")).isNull();
    }

    @Test
    void expiresIsCountedFromTheResponse() {
        CookieAffinity affinity = new CookieAffinity("c", new SessionAffinity(null, null, 60L, null, null, true, "example.com"), FOUR);
        assertThat(affinity.setCookie(FOUR.get(0), 0)).startsWith("INGRESSCOOKIE=")
                .endsWith("; Path=/; Domain=example.com; Secure; HttpOnly; Expires=Thu, 1 Jan 1970 00:01:00 GMT");
    }

    private interface Requests {
        BalanceRequest get(int i);
    }

    private static Map<InetSocketAddress, Integer> count(Balancer balancer, int picks, Requests requests) {
        Map<InetSocketAddress, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(balancer.next(requests.get(i), 0), 1, Integer::sum);
        }
        return counts;
    }

    private static BalanceRequest request(String user, String cookie) {
        return new BalanceRequest() {
            @Override
            public InetAddress client() {
                return CLIENT;
            }

            @Override
            public String header(String name) {
                return name.equals("X-User") ? user : null;
            }

            @Override
            public String cookie(String name) {
                return name.equals("session") || name.equals("route") ? cookie : null;
            }
        };
    }

    private static InetAddress address(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetSocketAddress endpoint(int last) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last}), 8080);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
