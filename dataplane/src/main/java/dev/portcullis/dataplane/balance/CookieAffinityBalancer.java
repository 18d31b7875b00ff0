package dev.portcullis.dataplane.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Cookie affinity over a balancing policy: a first attempt whose cookie names a ready endpoint that
 * health does not refuse goes there; any other request (no cookie, an unknown one, an endpoint that
 * left or was ejected, a retry after the pinned endpoint refused) is balanced by {@code balanced},
 * and the proxy then sets a new cookie.
 */
public final class CookieAffinityBalancer implements Balancer {

    private final Balancer balanced;
    private final CookieAffinity affinity;
    private final EndpointFilter health;

    public CookieAffinityBalancer(Balancer balanced, CookieAffinity affinity) {
        this(balanced, affinity, EndpointFilter.ALL);
    }

    public CookieAffinityBalancer(Balancer balanced, CookieAffinity affinity, EndpointFilter health) {
        this.balanced = balanced;
        this.affinity = affinity;
        this.health = health;
    }

    @Override
    public InetSocketAddress next(BalanceRequest request, int attempt) {
        if (attempt == 0) {
            InetSocketAddress pinned = affinity.endpointOf(request.cookie(affinity.cookieName()));
            if (pinned != null && health.usable(pinned)) {
                return pinned;
            }
        }
        return balanced.next(request, attempt);
    }

    @Override
    public InetSocketAddress next(InetAddress client, int attempt) {
        return balanced.next(client, attempt);
    }

    @Override
    public int size() {
        return balanced.size();
    }

    @Override
    public void started(InetSocketAddress endpoint) {
        balanced.started(endpoint);
    }

    @Override
    public void finished(InetSocketAddress endpoint) {
        balanced.finished(endpoint);
    }

    @Override
    public CookieAffinity affinity() {
        return affinity;
    }
}
