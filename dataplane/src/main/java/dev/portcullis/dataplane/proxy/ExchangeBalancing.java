package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.balance.BalanceRequest;
import dev.portcullis.dataplane.balance.Balancer;
import dev.portcullis.dataplane.balance.CookieAffinity;
import dev.portcullis.dataplane.runtime.UpstreamCluster;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One client connection's (or HTTP/2 stream's) side of balancing, one exchange at a time: it
 * shows the balancer the request (client address, headers, cookies), counts the request in flight
 * on its endpoint until the exchange lets go of it, and adds the affinity cookie to a response
 * from an endpoint the client was not pinned to. Made once per connection, reused per request.
 */
final class ExchangeBalancing implements BalanceRequest {

    private InetAddress client;
    private HttpHeaders headers;
    private String uri;
    private Balancer inFlightBalancer;
    private InetSocketAddress inFlight;
    private CookieAffinity affinity;
    private InetSocketAddress chosen;
    private String presentedCookie;

    /**
     * The endpoint for this attempt ({@code null}: none ready); the previous attempt's is let go. A
     * retry after the pinned endpoint's connection was made and then lost (a pooled connection it had
     * closed, a stream it refused unprocessed) stays on the pinned endpoint: the endpoint is there,
     * and moving would re-pin the client. A retry after a failed connect is balanced.
     */
    InetSocketAddress pick(UpstreamCluster cluster, InetAddress client, HttpRequest request, int attempt) {
        return pick(cluster, client, request, attempt, endpoint -> false);
    }

    /** As {@link #pick(UpstreamCluster, InetAddress, HttpRequest, int)}, balancing past the endpoints {@code tried} names. */
    InetSocketAddress pick(UpstreamCluster cluster, InetAddress client, HttpRequest request, int attempt,
                           java.util.function.Predicate<InetSocketAddress> tried) {
        boolean connectedThenLost = attempt > 0 && inFlight == null && chosen != null;
        finished();
        this.client = client;
        this.headers = request.headers();
        this.uri = request.uri();
        Balancer balancer = cluster.balancer();
        CookieAffinity previousAffinity = affinity;
        affinity = balancer.affinity();
        if (attempt == 0) {
            presentedCookie = affinity == null ? null : cookie(affinity.cookieName());
        } else if (connectedThenLost && affinity != null && affinity == previousAffinity
                && chosen.equals(affinity.endpointOf(presentedCookie))) {
            balancer.started(chosen);
            inFlightBalancer = balancer;
            inFlight = chosen;
            return chosen;
        }
        InetSocketAddress target = balancer.next(this, attempt);
        for (int i = 1; target != null && tried.test(target) && i <= balancer.size(); i++) {
            target = balancer.next(this, attempt + i);
        }
        chosen = target;
        if (target != null) {
            balancer.started(target);
            inFlightBalancer = balancer;
            inFlight = target;
        }
        return target;
    }

    /** The exchange no longer holds its endpoint (answered, failed, cut, or the client left). */
    void finished() {
        if (inFlight != null) {
            inFlightBalancer.finished(inFlight);
            inFlight = null;
            inFlightBalancer = null;
        }
        headers = null; // the request is not kept past its exchange
        uri = null;
    }

    /** Pins the client to the endpoint that answered, unless its cookie already did. */
    void decorate(HttpHeaders response) {
        if (affinity == null || chosen == null) {
            return;
        }
        String id = affinity.idOf(chosen);
        if (id != null && !id.equals(presentedCookie)) {
            response.add(HttpHeaderNames.SET_COOKIE, affinity.setCookie(chosen, System.currentTimeMillis()));
        }
    }

    @Override
    public InetAddress client() {
        return client;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public String header(String name) {
        return headers == null ? null : headers.get(name);
    }

    @Override
    public String cookie(String name) {
        if (headers == null) {
            return null;
        }
        List<String> values = headers.getAll(HttpHeaderNames.COOKIE);
        for (int i = 0; i < values.size(); i++) {
            String found = CookieValue.find(values.get(i), name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
