package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Lets a balancer without an {@link EndpointFilter} of its own (least-request, ring-hash) skip the
 * endpoints health refuses: it asks again, as for a retry, a few times; if every answer is refused
 * it keeps the first (Envoy's panic mode: better a doubtful endpoint than none).
 */
final class HealthyFirstBalancer implements Balancer {

    private final Balancer inner;
    private final EndpointFilter filter;

    HealthyFirstBalancer(Balancer inner, EndpointFilter filter) {
        this.inner = inner;
        this.filter = filter;
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        return next(BalanceRequest.of(client), attempt);
    }

    @Override
    public InetSocketAddress next(BalanceRequest request, int attempt) {
        InetSocketAddress first = inner.next(request, attempt);
        InetSocketAddress chosen = first;
        for (int i = 1; chosen != null && !filter.usable(chosen) && i <= 2 * inner.size(); i++) {
            chosen = inner.next(request, attempt + i);
        }
        return chosen != null && filter.usable(chosen) ? chosen : first;
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void started(InetSocketAddress endpoint) {
        inner.started(endpoint);
    }

    @Override
    public void finished(InetSocketAddress endpoint) {
        inner.finished(endpoint);
    }

    @Override
    public int inFlight(InetSocketAddress endpoint) {
        return inner.inFlight(endpoint);
    }

    @Override
    public CookieAffinity affinity() {
        return inner.affinity();
    }
}
