package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a cluster spreads requests over its ready endpoints. */
public enum BalancePolicy {
    @JsonProperty("round-robin") ROUND_ROBIN
}
