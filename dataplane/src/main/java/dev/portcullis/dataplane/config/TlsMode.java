package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the TLS listener treats a host. Passthrough and re-encryption arrive with their data plane support. */
public enum TlsMode {
    /** TLS ends at the proxy; plain HTTP goes to the endpoints. */
    @JsonProperty("terminate") TERMINATE
}
