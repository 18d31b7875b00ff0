package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the TLS listener treats a host. */
public enum TlsMode {
    /** TLS ends at the proxy; plain HTTP goes to the endpoints. */
    @JsonProperty("terminate") TERMINATE,
    /**
     * The proxy reads only the ClientHello's SNI and relays the encrypted bytes to an endpoint of
     * the host's single route; the client sees the endpoint's certificate.
     */
    @JsonProperty("passthrough") PASSTHROUGH,
    /** TLS ends at the proxy, and a new TLS connection (its cluster's {@link UpstreamTls}) goes to the endpoint. */
    @JsonProperty("reencrypt") REENCRYPT
}
