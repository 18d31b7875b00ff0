package dev.portcullis.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Meters of one virtual host: requests by status class, latency, and relayed connections when
 * passed through. The 2xx and 5xx counters exist from the start, at 0, so that an error ratio
 * (the chart's alert) counts a host's first errors; 1xx, 3xx and 4xx are registered on first
 * use: at 10,000 hosts, three meters fewer per host are 30,000 meters (about 12 MB) and their
 * registration in every apply that adds hosts.
 */
public final class HostMetrics {
    private static final int[] EAGER_STATUS_CLASSES = {2, 5};
    private final AtomicReferenceArray<Counter> requestsByStatusClass = new AtomicReferenceArray<>(6);
    private final Timer latency;
    private final PrometheusMeterRegistry registry;
    private final String host;
    private volatile Counter passthroughConnections;

    HostMetrics(PrometheusMeterRegistry registry, String host, Duration[] buckets) {
        this.registry = registry;
        this.host = host;
        for (int statusClass : EAGER_STATUS_CLASSES) {
            requestsByStatusClass.set(statusClass, requests(statusClass));
        }
        latency = Timer.builder("portcullis.request.duration")
                .description("Time from a request's head to the end of its response")
                .tag("host", host).serviceLevelObjectives(buckets).register(registry);
    }

    private Counter requests(int statusClass) {
        return Counter.builder("portcullis.requests")
                .description("Requests answered, by host and status class")
                .tag("host", host).tag("status", statusClass + "xx").register(registry);
    }

    public void record(int status, long nanos) {
        int statusClass = status / 100;
        int index = statusClass >= 1 && statusClass <= 5 ? statusClass : 5;
        Counter counter = requestsByStatusClass.get(index);
        if (counter == null) {
            // Registering the same name and tags twice yields the same counter: a race is harmless.
            counter = requests(index);
            requestsByStatusClass.set(index, counter);
        }
        counter.increment();
        latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Registers the relayed-connection counter (at 0) of a host served in passthrough; idempotent. */
    public HostMetrics passthrough() {
        if (passthroughConnections == null) {
            synchronized (this) {
                if (passthroughConnections == null) {
                    passthroughConnections = Counter.builder("portcullis.passthrough.connections")
                            .description("Connections relayed to endpoints without decrypting, by host")
                            .tag("host", host).register(registry);
                }
            }
        }
        return this;
    }

    /** One connection relayed; the host's compiler registered the counter with {@link #passthrough()}. */
    public void passthroughConnection() {
        Counter counter = passthroughConnections;
        (counter != null ? counter : passthrough().passthroughConnections).increment();
    }
}
