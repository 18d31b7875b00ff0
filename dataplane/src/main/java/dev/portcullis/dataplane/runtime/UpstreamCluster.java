package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.balance.Balancer;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.health.ClusterHealth;
import io.netty.handler.ssl.SslContext;

/**
 * A cluster ready to serve: its balancer keeps its state across snapshots that leave the cluster
 * unchanged; {@code upstreamSsl} is the client context for re-encryption, or {@code null};
 * {@code health} is what this data plane knows of its endpoints (its balancer's filter).
 */
public record UpstreamCluster(Cluster source, Balancer balancer, SslContext upstreamSsl, ClusterHealth health) {

    /** A cluster whose endpoints' health is its own (not a data plane's). */
    public UpstreamCluster(Cluster source, Balancer balancer, SslContext upstreamSsl) {
        this(source, balancer, upstreamSsl, ClusterHealth.standalone(source, java.util.List.of()));
    }

    public String name() {
        return source.name();
    }

    public int connectTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, source.connectTimeoutMillis());
    }

    public long responseTimeoutMillis() {
        return source.responseTimeoutMillis();
    }

    /** Longest silence while the request body goes to the endpoint; 0: the listener's body idle timeout. */
    public long sendTimeoutMillis() {
        return source.sendTimeoutMillis();
    }

    /** Longest silence from the endpoint once its response started; 0: the listener's body idle timeout. */
    public long idleTimeoutMillis() {
        return source.idleTimeoutMillis();
    }

    /** Largest request body the endpoints take; 0: no limit. */
    public long maxRequestBodyBytes() {
        return source.maxRequestBodyBytes();
    }

    /** The name to send as SNI and verify, when re-encrypting. */
    public String upstreamServerName() {
        return source.upstreamTls() == null ? null : source.upstreamTls().serverName();
    }

    /** HTTP/2 to the endpoints (h2c, or h2 by ALPN when {@code upstreamSsl} is set), instead of HTTP/1.1. */
    public boolean http2() {
        return source.protocol() == UpstreamProtocol.HTTP_2;
    }

    public ProxyProtocol proxyProtocol() {
        return source.proxyProtocol();
    }
}
