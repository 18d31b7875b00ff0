package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One pod address; only ready endpoints receive traffic. */
public record Endpoint(String address, int port, boolean ready) {

    /** As in Kubernetes EndpointConditions, an absent {@code ready} means ready. */
    @JsonCreator
    static Endpoint fromJson(
            @JsonProperty("address") String address,
            @JsonProperty(value = "port", required = true) int port,
            @JsonProperty("ready") Boolean ready) {
        return new Endpoint(address, port, ready == null || ready);
    }

    public static Endpoint ready(String address, int port) {
        return new Endpoint(address, port, true);
    }

    @Override
    public String toString() {
        return address + ":" + port + (ready ? "" : " (not ready)");
    }
}
