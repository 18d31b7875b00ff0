package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a passthrough connection to an endpoint starts with a PROXY protocol header, and which version. */
public enum ProxyProtocol {
    @JsonProperty("off") OFF,
    @JsonProperty("v1") V1,
    @JsonProperty("v2") V2
}
