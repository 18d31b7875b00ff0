package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a passthrough connection to an endpoint starts with a PROXY protocol header, and which version. */
public enum ProxyProtocol {
    @JsonProperty("off") OFF,
    @JsonProperty("v1") V1,
    @JsonProperty("v2") V2;

    /** Leaves the default out of JSON, so snapshots without passthrough read as before. */
    static final class OffFilter {
        @Override
        public boolean equals(Object value) {
            return value == OFF;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
