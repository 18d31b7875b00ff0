package dev.portcullis.dataplane.upstream;

import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.health.ClusterHealth;
import dev.portcullis.dataplane.runtime.UpstreamCluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's tries at the endpoints of its cluster: which endpoints it tried (a retry goes to
 * another), what each outcome tells the cluster's health, and whether a failure earns another try
 * under the cluster's {@link RetryPolicy}, {@link ConnectRetryPolicy}'s safety rules and the
 * cluster's {@link RetryBudget}. Lives on the client's event loop; {@link #end} is idempotent.
 */
public final class RetryAttempts {

    private final List<InetSocketAddress> tried = new ArrayList<>(2);
    private UpstreamCluster cluster;
    private RetryBudget budget;
    private boolean holdsRetrySlot;
    private long startNanos;
    private int retries;

    /** A new request to {@code target} begins (the previous one, if any, ends) at {@code nowNanos}. */
    public void begin(UpstreamCluster target, long nowNanos) {
        end();
        cluster = target;
        budget = target.health().retryBudget();
        budget.requestStarted();
        startNanos = nowNanos;
    }

    /** The request is over (answered, failed, or the client left). */
    public void end() {
        if (budget != null) {
            if (holdsRetrySlot) {
                budget.retryEnded();
            }
            budget.requestEnded();
        }
        budget = null;
        cluster = null;
        holdsRetrySlot = false;
        tried.clear();
        retries = 0;
    }

    /** Whether this request already tried {@code endpoint}: a retry goes elsewhere when it can. */
    public boolean tried(InetSocketAddress endpoint) {
        return tried.contains(endpoint);
    }

    /** The next try of {@code target}'s request goes to {@code chosen}. */
    public void picked(UpstreamCluster target, InetSocketAddress chosen) {
        if (chosen != null && target == cluster) {
            tried.add(chosen);
        }
    }

    /** The endpoint for the next try: the balancer's choice, skipping endpoints this request already tried. */
    public InetSocketAddress pick(UpstreamCluster target, InetAddress client, int attempt) {
        InetSocketAddress chosen = target.balancer().next(client, attempt);
        for (int i = 1; chosen != null && tried.contains(chosen) && i <= target.balancer().size(); i++) {
            chosen = target.balancer().next(client, attempt + i);
        }
        if (chosen != null && target == cluster) {
            tried.add(chosen);
        }
        return chosen;
    }

    /** The endpoint answered with {@code status}; tells outlier detection. Always true (to chain a retry test). */
    public boolean answered(InetSocketAddress endpoint, int status) {
        ClusterHealth health = cluster == null ? null : cluster.health();
        if (health != null && endpoint != null) {
            if (status >= 500) {
                health.failed(endpoint);
            } else {
                health.succeeded(endpoint);
            }
        }
        return true;
    }

    /** The failure an answer of {@code status} is, when the cluster retries on it; else null. */
    public RetryPolicy.On retryOn(int status) {
        return cluster == null || !cluster.source().retry().onStatus(status) ? null : switch (status) {
            case 500 -> RetryPolicy.On.HTTP_500;
            case 502 -> RetryPolicy.On.HTTP_502;
            case 503 -> RetryPolicy.On.HTTP_503;
            default -> RetryPolicy.On.HTTP_504;
        };
    }

    /**
     * A connect to {@code endpoint} of {@code current} failed after {@code attemptsSoFar} attempts:
     * try another? A connect sent nothing, so any request may; an error page's cluster (not this
     * request's own) follows {@link ConnectRetryPolicy} alone.
     */
    public boolean retryConnect(UpstreamCluster current, InetSocketAddress endpoint, int attemptsSoFar) {
        if (current != cluster) {
            return ConnectRetryPolicy.tryAnother(attemptsSoFar, current);
        }
        failed(endpoint);
        return retry(RetryPolicy.On.CONNECT_FAILURE, true, "connect-failure");
    }

    /** The endpoint closed without answering, or did not answer in time. Always true (to chain a retry test). */
    public boolean failed(InetSocketAddress endpoint) {
        if (cluster != null && endpoint != null) {
            cluster.health().failed(endpoint);
        }
        return true;
    }

    /**
     * Whether to try another endpoint after {@code failure}: the policy names it, the request may
     * be sent again ({@code replayable}: a connect failure sent nothing; otherwise only a bodiless
     * idempotent request), retries and other endpoints remain, the retry timeout has not passed,
     * and the budget has room.
     */
    public boolean retry(RetryPolicy.On failure, boolean replayable, String reason) {
        if (cluster == null || !replayable || !cluster.source().retry().on(failure)) {
            return false;
        }
        RetryPolicy policy = cluster.source().retry();
        if (retries >= policy.retries() || tried.size() >= cluster.balancer().size()) {
            return false;
        }
        if (policy.retryTimeoutMillis() > 0 && System.nanoTime() - startNanos >= policy.retryTimeoutMillis() * 1_000_000) {
            return false;
        }
        if (!holdsRetrySlot) {
            if (!budget.tryStartRetry()) {
                cluster.health().metrics().retryBudgetExhausted(cluster.name());
                return false;
            }
            holdsRetrySlot = true;
        }
        retries++;
        cluster.health().metrics().retried(cluster.name(), reason);
        return true;
    }

    /** Whether a request may reach an endpoint twice: bodiless and idempotent (RFC 9110 9.2.2). */
    public static boolean replayable(String method, boolean hasBody) {
        return ConnectRetryPolicy.resendAfterSilentClose(method, hasBody, false);
    }

    /** How long this try may wait for the response to start: the per-try timeout, else {@code fallback}. */
    public long responseStartMillis(long fallback) {
        long perTry = cluster == null ? 0 : cluster.source().retry().perTryTimeoutMillis();
        return perTry > 0 ? perTry : fallback;
    }
}
