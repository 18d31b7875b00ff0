package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a cluster spreads requests (or passthrough connections) over its ready endpoints. */
public enum BalancePolicy {
    /** Each in turn. */
    @JsonProperty("round-robin") ROUND_ROBIN,
    /** A consistent hash of the client address: a client stays on its endpoint while the endpoint set is stable. */
    @JsonProperty("client-ip") CLIENT_IP,
    /** Power of two random choices over requests (or passthrough connections) in flight per endpoint. */
    @JsonProperty("least-request") LEAST_REQUEST,
    /** A consistent hash ring (virtual nodes per endpoint weight) keyed by {@link Cluster#hashBy()}. */
    @JsonProperty("ring-hash") RING_HASH
}
