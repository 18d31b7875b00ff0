package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a cluster spreads requests (or passthrough connections) over its ready endpoints. */
public enum BalancePolicy {
    /** Each in turn. */
    @JsonProperty("round-robin") ROUND_ROBIN,
    /** A consistent hash of the client address: a client stays on its endpoint while the endpoint set is stable. */
    @JsonProperty("client-ip") CLIENT_IP
}
