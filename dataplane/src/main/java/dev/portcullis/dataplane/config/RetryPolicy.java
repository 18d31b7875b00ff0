package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Set;

/**
 * When a request goes again to another endpoint of its cluster. A request whose response has
 * begun is never sent again, nor one with a body, nor a non-idempotent one once it may have
 * reached a pod (a failed connect sent nothing, so any request is retried after one). Retries of a
 * cluster are also bounded by the data plane's retry budget.
 *
 * @param retries             how many more endpoints to try after the first (never more than there are others)
 * @param retryOn             what counts as a failure worth another endpoint
 * @param perTryTimeoutMillis how long one endpoint may take to start its response (0: the cluster's
 *                            response timeout); past it the attempt counts as a {@code timeout}
 * @param retryTimeoutMillis  no retry starts once the request is this old (0: no limit)
 */
public record RetryPolicy(int retries, Set<On> retryOn, long perTryTimeoutMillis, long retryTimeoutMillis) {

    public enum On {
        /** The TCP (or TLS) connect failed or timed out. */
        @JsonProperty("connect-failure") CONNECT_FAILURE,
        /** The endpoint closed or reset the connection before any response byte. */
        @JsonProperty("reset") RESET,
        /** The endpoint did not start its response within the per-try timeout. */
        @JsonProperty("timeout") TIMEOUT,
        @JsonProperty("http-500") HTTP_500,
        @JsonProperty("http-502") HTTP_502,
        @JsonProperty("http-503") HTTP_503,
        @JsonProperty("http-504") HTTP_504
    }

    public static final int MAX_RETRIES = 10;
    public static final RetryPolicy DEFAULTS = new RetryPolicy(2, Set.of(On.CONNECT_FAILURE, On.RESET), 0, 0);
    public static final RetryPolicy OFF = new RetryPolicy(0, Set.of(), 0, 0);

    public RetryPolicy {
        java.util.EnumSet<On> sorted = java.util.EnumSet.noneOf(On.class); // ordered, for stable JSON
        if (retryOn != null) {
            sorted.addAll(retryOn);
        }
        retryOn = java.util.Collections.unmodifiableSet(sorted);
    }

    public boolean on(On failure) {
        return retries > 0 && retryOn.contains(failure);
    }

    /** Whether an answer of {@code status} from the endpoint is a failure to try elsewhere. */
    public boolean onStatus(int status) {
        return switch (status) {
            case 500 -> on(On.HTTP_500);
            case 502 -> on(On.HTTP_502);
            case 503 -> on(On.HTTP_503);
            case 504 -> on(On.HTTP_504);
            default -> false;
        };
    }

    static final class DefaultsFilter {
        @Override
        public boolean equals(Object value) {
            return value == null || DEFAULTS.equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
