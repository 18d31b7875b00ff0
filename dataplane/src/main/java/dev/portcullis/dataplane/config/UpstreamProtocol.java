package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The HTTP version the proxy speaks to a cluster's endpoints. Whether it runs over TLS is
 * {@link Cluster#upstreamTls()}'s to say: HTTP/2 without it is h2c with prior knowledge, with it
 * h2 negotiated by ALPN.
 */
public enum UpstreamProtocol {
    @JsonProperty("http/1.1") HTTP_1_1,
    @JsonProperty("h2") HTTP_2;

    /** Leaves the default out of JSON, so snapshots of HTTP/1.1 clusters read as before. */
    static final class Http11Filter {
        @Override
        public boolean equals(Object value) {
            return value == HTTP_1_1;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
