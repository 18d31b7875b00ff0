package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.balance.Balancers;
import dev.portcullis.dataplane.balance.LeastRequestBalancer;
import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.SessionAffinity;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One connection's balancing across attempts: in-flight counting, the cookie, retries. */
class ExchangeBalancingTest {

    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    private static final List<Endpoint> FOUR = List.of(Endpoint.ready("10.0.0.1", 80), Endpoint.ready("10.0.0.2", 80),
            Endpoint.ready("10.0.0.3", 80), Endpoint.ready("10.0.0.4", 80));

    @Test
    void eachPickIsCountedInFlightUntilFinishedOrTheNextAttempt() throws Exception {
        UpstreamCluster cluster = cluster(new Cluster("web", BalancePolicy.LEAST_REQUEST, FOUR, 0, 0));
        LeastRequestBalancer balancer = (LeastRequestBalancer) cluster.balancer();
        ExchangeBalancing balancing = new ExchangeBalancing();
        InetSocketAddress first = balancing.pick(cluster, CLIENT, request(null), 0);
        assertThat(balancer.inFlight(first)).isOne();
        InetSocketAddress second = balancing.pick(cluster, CLIENT, request(null), 1); // the first connect failed
        assertThat(balancer.inFlight(second)).isOne();
        assertThat(total(balancer)).as("the failed attempt is let go").isOne();
        balancing.finished();
        balancing.finished();
        assertThat(total(balancer)).isZero();
    }

    @Test
    void aPinnedRequestStaysPinnedWhenItsConnectionIsLostButMovesWhenTheConnectFails() throws Exception {
        UpstreamCluster cluster = cluster(new Cluster("web", FOUR).withBalancing(BalancePolicy.ROUND_ROBIN, null,
                SessionAffinity.cookie("route")));
        InetSocketAddress pinned = new InetSocketAddress(InetAddress.getByName("10.0.0.3"), 80);
        String cookie = "route=" + cluster.balancer().affinity().idOf(pinned);
        ExchangeBalancing balancing = new ExchangeBalancing();
        assertThat(balancing.pick(cluster, CLIENT, request(cookie), 0)).isEqualTo(pinned);
        balancing.finished(); // a pooled connection the pod had closed: the exchange let it go
        assertThat(balancing.pick(cluster, CLIENT, request(cookie), 1)).isEqualTo(pinned);
        DefaultHttpHeaders response = new DefaultHttpHeaders();
        balancing.decorate(response);
        assertThat(response.contains("set-cookie")).as("still pinned: no new cookie").isFalse();

        assertThat(balancing.pick(cluster, CLIENT, request(cookie), 2)).as("the connect failed: balanced")
                .isNotNull();
    }

    @Test
    void aResponseFromAnotherEndpointCarriesItsCookie() throws Exception {
        UpstreamCluster cluster = cluster(new Cluster("web", FOUR).withBalancing(BalancePolicy.ROUND_ROBIN, null,
                SessionAffinity.cookie("route")));
        ExchangeBalancing balancing = new ExchangeBalancing();
        InetSocketAddress chosen = balancing.pick(cluster, CLIENT, request("route=unknown; other=1"), 0);
        DefaultHttpHeaders response = new DefaultHttpHeaders();
        balancing.decorate(response);
        assertThat(response.get("set-cookie")).startsWith("route=" + cluster.balancer().affinity().idOf(chosen) + "; Path=/");
    }

    private static int total(LeastRequestBalancer balancer) throws Exception {
        int total = 0;
        for (Endpoint endpoint : FOUR) {
            total += balancer.inFlight(new InetSocketAddress(InetAddress.getByName(endpoint.address()), endpoint.port()));
        }
        return total;
    }

    private static UpstreamCluster cluster(Cluster cluster) throws Exception {
        return new UpstreamCluster(cluster, Balancers.forCluster(cluster), null);
    }

    private static HttpRequest request(String cookie) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        if (cookie != null) {
            request.headers().set("cookie", cookie);
        }
        return request;
    }
}
