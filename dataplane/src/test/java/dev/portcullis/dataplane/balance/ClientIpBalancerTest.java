package dev.portcullis.dataplane.balance;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpBalancerTest {

    private static final List<InetSocketAddress> FOUR = List.of(endpoint(1), endpoint(2), endpoint(3), endpoint(4));

    @Test
    void aClientStaysOnItsEndpoint() throws Exception {
        ClientIpBalancer balancer = new ClientIpBalancer(FOUR);
        InetAddress client = InetAddress.getByName("203.0.113.7");
        InetSocketAddress first = balancer.next(client, 0);
        for (int i = 0; i < 20; i++) {
            assertThat(balancer.next(client, 0)).isEqualTo(first);
        }
        assertThat(new ClientIpBalancer(FOUR).next(client, 0)).as("the same in a new snapshot").isEqualTo(first);
    }

    @Test
    void clientsSpreadOverEveryEndpoint() throws Exception {
        ClientIpBalancer balancer = new ClientIpBalancer(FOUR);
        Map<InetSocketAddress, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(balancer.next(client(i), 0), 1, Integer::sum);
        }
        assertThat(counts).hasSize(4);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(180, 320));
    }

    @Test
    void whenAnEndpointLeavesOnlyItsClientsMove() throws Exception {
        ClientIpBalancer before = new ClientIpBalancer(FOUR);
        ClientIpBalancer after = new ClientIpBalancer(FOUR.subList(0, 3));
        for (int i = 0; i < 500; i++) {
            InetSocketAddress was = before.next(client(i), 0);
            if (!was.equals(FOUR.get(3))) {
                assertThat(after.next(client(i), 0)).isEqualTo(was);
            }
        }
    }

    @Test
    void retriesGoToTheClientsNextEndpoints() throws Exception {
        ClientIpBalancer balancer = new ClientIpBalancer(FOUR);
        Set<InetSocketAddress> tried = new HashSet<>();
        List<InetSocketAddress> order = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            InetSocketAddress next = balancer.next(client(42), attempt);
            order.add(next);
            tried.add(next);
        }
        assertThat(tried).hasSize(4);
        assertThat(balancer.next(client(42), 0)).isEqualTo(order.getFirst());
    }

    private static InetAddress client(int i) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[]{10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    private static InetSocketAddress endpoint(int i) {
        return new InetSocketAddress("10.1.0." + i, 8080);
    }
}
