package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One pod address; only ready endpoints receive traffic.
 *
 * @param weight its share of traffic relative to the cluster's other endpoints under round-robin
 *               and ring-hash (1 to {@value #MAX_WEIGHT}; 1, the default, is left out of JSON)
 */
public record Endpoint(String address, int port, boolean ready,
                       @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultWeightFilter.class) int weight) {

    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 1000;

    public Endpoint(String address, int port, boolean ready) {
        this(address, port, ready, DEFAULT_WEIGHT);
    }

    /** As in Kubernetes EndpointConditions, an absent {@code ready} means ready; an absent weight is 1. */
    @JsonCreator
    static Endpoint fromJson(
            @JsonProperty("address") String address,
            @JsonProperty(value = "port", required = true) int port,
            @JsonProperty("ready") Boolean ready,
            @JsonProperty("weight") Integer weight) {
        return new Endpoint(address, port, ready == null || ready, weight == null ? DEFAULT_WEIGHT : weight);
    }

    /** The same endpoint with another weight. */
    public Endpoint withWeight(int replacement) {
        return new Endpoint(address, port, ready, replacement);
    }

    public static Endpoint ready(String address, int port) {
        return new Endpoint(address, port, true);
    }

    @Override
    public String toString() {
        return address + ":" + port + (weight == DEFAULT_WEIGHT ? "" : " weight " + weight) + (ready ? "" : " (not ready)");
    }

    /** Leaves the default weight out of JSON, so snapshots without weights read as before. */
    static final class DefaultWeightFilter {
        @Override
        public boolean equals(Object value) {
            return value instanceof Integer weight && weight == DEFAULT_WEIGHT;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
