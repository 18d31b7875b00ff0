package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An active check the data plane runs against every ready endpoint of a cluster. An endpoint that
 * fails {@code unhealthyThreshold} checks in a row leaves balancing; it returns after
 * {@code healthyThreshold} passing ones. Each data plane checks on its own.
 *
 * @param kind               {@code http}: a GET of {@code path} (over TLS on a re-encrypting cluster) that must answer
 *                           a status from {@code statusMin} to {@code statusMax}; {@code tls}: a TLS handshake
 *                           (HAProxy's {@code ssl-hello-chk}: the endpoint must answer a ClientHello);
 *                           {@code tcp}: a connect
 * @param path               the path of an {@code http} check, with its query if any; null for the others
 * @param intervalMillis     time between two checks of one endpoint (plus up to 10 % jitter)
 * @param timeoutMillis      how long one check may take, connect included
 */
public record HealthCheck(Kind kind, String path, int statusMin, int statusMax, long intervalMillis, long timeoutMillis,
                          int healthyThreshold, int unhealthyThreshold) {

    public static final long DEFAULT_INTERVAL_MILLIS = 10_000;
    public static final long DEFAULT_TIMEOUT_MILLIS = 2_000;
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

    public enum Kind {
        @JsonProperty("http") HTTP,
        @JsonProperty("tls") TLS,
        @JsonProperty("tcp") TCP
    }

    public HealthCheck {
        statusMin = statusMin == 0 ? 200 : statusMin;
        statusMax = statusMax == 0 ? 399 : statusMax;
        intervalMillis = intervalMillis == 0 ? DEFAULT_INTERVAL_MILLIS : intervalMillis;
        timeoutMillis = timeoutMillis == 0 ? DEFAULT_TIMEOUT_MILLIS : timeoutMillis;
        healthyThreshold = healthyThreshold == 0 ? DEFAULT_HEALTHY_THRESHOLD : healthyThreshold;
        unhealthyThreshold = unhealthyThreshold == 0 ? DEFAULT_UNHEALTHY_THRESHOLD : unhealthyThreshold;
    }

    public boolean expected(int status) {
        return status >= statusMin && status <= statusMax;
    }
}
