package dev.portcullis.dataplane.config;

/**
 * How a data plane leaves when asked to stop (SIGTERM): {@code /readyz} turns 503 at once, so load
 * balancers and EndpointSlices stop sending new clients; after {@code delayMillis} the listeners stop
 * accepting; requests and tunnels in flight then have until {@code timeoutMillis} (counted from the
 * signal) to finish before the rest is closed.
 */
public record DrainSettings(long delayMillis, long timeoutMillis) {

    public static final DrainSettings DEFAULT = new DrainSettings(5_000, 30_000);

    public java.util.List<String> problems() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        if (delayMillis < 0 || timeoutMillis < 0) {
            problems.add("listener.drain: delayMillis and timeoutMillis must not be negative");
        } else if (delayMillis > timeoutMillis) {
            problems.add("listener.drain: delayMillis (" + delayMillis + ") is longer than timeoutMillis (" + timeoutMillis
                    + "): the listeners would close after the process is gone");
        }
        return problems;
    }

    /** Jackson's {@code CUSTOM} inclusion filter: the default is left out of the JSON. */
    public static final class OmitDefault {
        @Override
        public boolean equals(Object value) {
            return value == null || DEFAULT.equals(value);
        }

        @Override
        public int hashCode() {
            return DEFAULT.hashCode();
        }
    }
}
