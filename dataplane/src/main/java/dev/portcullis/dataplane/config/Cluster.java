package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A set of endpoints that share a balancing policy and the way the proxy connects to them.
 *
 * @param connectTimeoutMillis  how long a TCP connect to one endpoint may take (0: the default, 5 s)
 * @param responseTimeoutMillis how long the endpoint may take to start its response once it has
 *                              the whole request (0: the listener's {@link Limits#responseStartTimeoutMillis()});
 *                              past it the client gets 504
 * @param upstreamTls           TLS to the endpoints (re-encryption), or {@code null} for plain HTTP
 * @param proxyProtocol         the PROXY header sent first on passthrough connections
 */
public record Cluster(
        String name,
        BalancePolicy balance,
        List<Endpoint> endpoints,
        long connectTimeoutMillis,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long responseTimeoutMillis,
        UpstreamTls upstreamTls,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ProxyProtocol.OffFilter.class)
        ProxyProtocol proxyProtocol) {

    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 5_000;

    public Cluster {
        balance = balance == null ? BalancePolicy.ROUND_ROBIN : balance;
        endpoints = Lists.copyOrEmpty(endpoints);
        connectTimeoutMillis = connectTimeoutMillis == 0 ? DEFAULT_CONNECT_TIMEOUT_MILLIS : connectTimeoutMillis;
        proxyProtocol = proxyProtocol == null ? ProxyProtocol.OFF : proxyProtocol;
    }

    public Cluster(String name, BalancePolicy balance, List<Endpoint> endpoints, long connectTimeoutMillis,
                   long responseTimeoutMillis) {
        this(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, null, ProxyProtocol.OFF);
    }

    public Cluster(String name, List<Endpoint> endpoints) {
        this(name, BalancePolicy.ROUND_ROBIN, endpoints, 0, 0);
    }

    public Cluster withEndpoints(List<Endpoint> replacement) {
        return new Cluster(name, balance, replacement, connectTimeoutMillis, responseTimeoutMillis, upstreamTls, proxyProtocol);
    }
}
