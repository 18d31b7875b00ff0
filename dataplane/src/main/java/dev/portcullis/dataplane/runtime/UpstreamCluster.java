package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.balance.Balancer;
import dev.portcullis.dataplane.config.Cluster;

/** A cluster ready to serve: its balancer keeps its state across snapshots that leave the cluster unchanged. */
public record UpstreamCluster(Cluster source, Balancer balancer) {

    public String name() {
        return source.name();
    }

    public int connectTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, source.connectTimeoutMillis());
    }

    public long responseTimeoutMillis() {
        return source.responseTimeoutMillis();
    }
}
