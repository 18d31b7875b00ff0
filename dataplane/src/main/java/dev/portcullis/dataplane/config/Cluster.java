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
 * @param protocol              HTTP/1.1 (the default, left out of JSON) or HTTP/2 to the endpoints
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
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = UpstreamProtocol.Http11Filter.class)
        UpstreamProtocol protocol) {

    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 5_000;

    public Cluster {
        balance = balance == null ? BalancePolicy.ROUND_ROBIN : balance;
        endpoints = Lists.copyOrEmpty(endpoints);
        connectTimeoutMillis = connectTimeoutMillis == 0 ? DEFAULT_CONNECT_TIMEOUT_MILLIS : connectTimeoutMillis;
        proxyProtocol = proxyProtocol == null ? ProxyProtocol.OFF : proxyProtocol;
        protocol = protocol == null ? UpstreamProtocol.HTTP_1_1 : protocol;
    }

    /** An HTTP/1.1 cluster. */
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
        return new Cluster(name, balance, replacement, connectTimeoutMillis, responseTimeoutMillis, upstreamTls, proxyProtocol,
                protocol);
    }

    /** This cluster spoken to in {@code replacement}. */
    public Cluster withProtocol(UpstreamProtocol replacement) {
        return new Cluster(name, balance, endpoints, connectTimeoutMillis, responseTimeoutMillis, upstreamTls, proxyProtocol,
                replacement);
    }
}
