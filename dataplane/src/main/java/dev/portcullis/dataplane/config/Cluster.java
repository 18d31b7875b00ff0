package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A set of endpoints that share a balancing policy and the way the proxy connects to them.
 *
 * @param connectTimeoutMillis     how long a TCP connect to one endpoint may take (0: the default, 5 s)
 * @param responseTimeoutMillis    how long the endpoint may take to start its response once it has
 *                                 the whole request (0: the listener's {@link Limits#responseStartTimeoutMillis()});
 *                                 past it the client gets 504
 * @param upstreamTls              TLS to the endpoints (re-encryption), or {@code null} for plain HTTP
 * @param proxyProtocol            the PROXY header sent first on passthrough connections
 * @param sendTimeoutMillis        longest silence while the request body goes to the endpoint: the client
 *                                 sends nothing, or the endpoint takes nothing (0: the listener's
 *                                 {@link Limits#bodyIdleTimeoutMillis()}); then 408 (client silent) or
 *                                 504 (endpoint not reading), or the connection is cut once a response began
 * @param idleTimeoutMillis        longest silence from the endpoint once its response has started (0: the
 *                                 listener's {@link Limits#bodyIdleTimeoutMillis()}); then the connection is cut
 * @param maxRequestBodyBytes      largest request body the endpoints take (0: no limit); a larger declared
 *                                 {@code Content-Length} gets 413 before any endpoint is connected, a streamed
 *                                 body that grows past it is cut and its upstream exchange aborted
 * @param protocol                 HTTP/1.1 (the default, left out of JSON) or HTTP/2 to the endpoints
 * @param hashBy                   what a {@link BalancePolicy#RING_HASH} cluster hashes (null: the client address)
 * @param affinity                 cookie affinity over the balancing policy, or {@code null}
 * @param healthCheck              the active check each data plane runs against the endpoints, or {@code null} for none
 * @param outlierDetection         passive ejection of failing endpoints (the defaults, left out of JSON, when null)
 * @param retry                    when a request goes again to another endpoint (the defaults, left out of JSON, when null)
 */
public record Cluster(
        String name,
        BalancePolicy balance,
        List<Endpoint> endpoints,
        long connectTimeoutMillis,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long responseTimeoutMillis,
        UpstreamTls upstreamTls,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ProxyProtocol.OffFilter.class)
        ProxyProtocol proxyProtocol,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long sendTimeoutMillis,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long idleTimeoutMillis,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long maxRequestBodyBytes,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = UpstreamProtocol.Http11Filter.class)
        UpstreamProtocol protocol,
        @JsonInclude(JsonInclude.Include.NON_NULL) HashKey hashBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) SessionAffinity affinity,
        @JsonInclude(JsonInclude.Include.NON_NULL) HealthCheck healthCheck,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OutlierDetection.DefaultsFilter.class)
        OutlierDetection outlierDetection,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = RetryPolicy.DefaultsFilter.class)
        RetryPolicy retry) {

    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 5_000;

    public Cluster {
        balance = balance == null ? BalancePolicy.ROUND_ROBIN : balance;
        endpoints = Lists.copyOrEmpty(endpoints);
        connectTimeoutMillis = connectTimeoutMillis == 0 ? DEFAULT_CONNECT_TIMEOUT_MILLIS : connectTimeoutMillis;
        proxyProtocol = proxyProtocol == null ? ProxyProtocol.OFF : proxyProtocol;
        protocol = protocol == null ? UpstreamProtocol.HTTP_1_1 : protocol;
        outlierDetection = outlierDetection == null ? OutlierDetection.DEFAULTS : outlierDetection;
        retry = retry == null ? RetryPolicy.DEFAULTS : retry;
    }

    /** A cluster balanced by its policy alone, with the default health settings: no active check, default outlier ejection and retries. */
    public Cluster(String name, BalancePolicy balance, List<Endpoint> endpoints, long connectTimeoutMillis,
                   long responseTimeoutMillis, UpstreamTls upstreamTls, ProxyProtocol proxyProtocol,
                   long sendTimeoutMillis, long idleTimeoutMillis, long maxRequestBodyBytes, UpstreamProtocol protocol) {
        this(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls, proxyProtocol,
                sendTimeoutMillis, idleTimeoutMillis, maxRequestBodyBytes, protocol, null, null, null, null, null);
    }

    /** An HTTP/1.1 cluster with its own body timeouts and body limit (0: the listener's, none). */
    public Cluster(String name, BalancePolicy balance, List<Endpoint> endpoints, long connectTimeoutMillis,
                   long responseTimeoutMillis, UpstreamTls upstreamTls, ProxyProtocol proxyProtocol,
                   long sendTimeoutMillis, long idleTimeoutMillis, long maxRequestBodyBytes) {
        this(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls, proxyProtocol,
                sendTimeoutMillis, idleTimeoutMillis, maxRequestBodyBytes, UpstreamProtocol.HTTP_1_1);
    }

    /** A cluster with the listener's body timeouts and no body limit. */
    public Cluster(String name, BalancePolicy balance, List<Endpoint> endpoints, long connectTimeoutMillis,
                   long responseTimeoutMillis, UpstreamTls upstreamTls, ProxyProtocol proxyProtocol,
                   UpstreamProtocol protocol) {
        this(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls, proxyProtocol, 0, 0, 0,
                protocol);
    }

    /** An HTTP/1.1 cluster with the listener's body timeouts and no body limit. */
    public Cluster(String name, BalancePolicy balance, List<Endpoint> endpoints, long connectTimeoutMillis,
                   long responseTimeoutMillis, UpstreamTls upstreamTls, ProxyProtocol proxyProtocol) {
        this(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls, proxyProtocol,
                UpstreamProtocol.HTTP_1_1);
    }

    public Cluster(String name, BalancePolicy balance, List<Endpoint> endpoints, long connectTimeoutMillis,
                   long responseTimeoutMillis) {
        this(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, null, ProxyProtocol.OFF);
    }

    public Cluster(String name, List<Endpoint> endpoints) {
        this(name, BalancePolicy.ROUND_ROBIN, endpoints, 0, 0);
    }

    public Cluster withEndpoints(List<Endpoint> replacement) {
        return new Cluster(name, balance, replacement, connectTimeoutMillis, responseTimeoutMillis, upstreamTls,
                proxyProtocol, sendTimeoutMillis, idleTimeoutMillis, maxRequestBodyBytes, protocol, hashBy, affinity,
                healthCheck, outlierDetection, retry);
    }

    /** The same cluster with its own body timeouts (0: the listener's). */
    public Cluster withBodyTimeouts(long sendMillis, long idleMillis) {
        return new Cluster(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls,
                proxyProtocol, sendMillis, idleMillis, maxRequestBodyBytes, protocol, hashBy, affinity,
                healthCheck, outlierDetection, retry);
    }

    /** The same cluster with a request body limit (0: none). */
    public Cluster withMaxRequestBodyBytes(long bytes) {
        return new Cluster(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls,
                proxyProtocol, sendTimeoutMillis, idleTimeoutMillis, bytes, protocol, hashBy, affinity,
                healthCheck, outlierDetection, retry);
    }

    /** The same cluster with a ring-hash key and cookie affinity ({@code null}: none). */
    public Cluster withBalancing(BalancePolicy policy, HashKey key, SessionAffinity sticky) {
        return new Cluster(name, policy, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls,
                proxyProtocol, sendTimeoutMillis, idleTimeoutMillis, maxRequestBodyBytes, protocol, key, sticky,
                healthCheck, outlierDetection, retry);
    }

    /** This cluster spoken to in {@code replacement}. */
    public Cluster withProtocol(UpstreamProtocol replacement) {
        return new Cluster(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls,
                proxyProtocol, sendTimeoutMillis, idleTimeoutMillis, maxRequestBodyBytes, replacement, hashBy, affinity,
                healthCheck, outlierDetection, retry);
    }

    /** This cluster with its active check (null: none), outlier ejection and retry policy (null: the defaults). */
    public Cluster withHealth(HealthCheck check, OutlierDetection outliers, RetryPolicy retries) {
        return new Cluster(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls,
                proxyProtocol, sendTimeoutMillis, idleTimeoutMillis, maxRequestBodyBytes, protocol, hashBy, affinity,
                check, outliers, retries);
    }
}
