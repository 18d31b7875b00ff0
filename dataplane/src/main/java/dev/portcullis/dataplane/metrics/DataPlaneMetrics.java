package dev.portcullis.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data plane's metrics, in Prometheus format on the admin port. Meters the hot path uses are
 * looked up once (per host, cluster, protocol) and kept, so a request only increments.
 */
public final class DataPlaneMetrics {

    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /** An expiry row: which certificate a host is served with, and when it expires. */
    public record CertificateExpiry(String host, String certificate, Instant notAfter) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, HostMetrics> hosts = new ConcurrentHashMap<>();
    private final Map<String, Counter> upstreamConnectErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Map<String, Counter> passthroughConnections = new ConcurrentHashMap<>();
    private final Map<String, Counter> handshakeFailures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> openConnections = new ConcurrentHashMap<>();
    private final AtomicLong snapshotVersion = new AtomicLong(-1);
    private final Timer snapshotApply;
    private final MultiGauge certificateExpiry;

    public DataPlaneMetrics() {
        Gauge.builder("portcullis.snapshot.version", snapshotVersion, AtomicLong::get)
                .description("Version of the snapshot being served (-1 before the first)")
                .register(registry);
        snapshotApply = Timer.builder("portcullis.snapshot.apply")
                .description("Time to validate, compile and swap in a snapshot")
                .register(registry);
        certificateExpiry = MultiGauge.builder("portcullis.ssl.expire.time.seconds")
                .description("Expiry of the certificate served for a host, as Unix time in seconds")
                .register(registry);
    }

    public HostMetrics host(String host) {
        return hosts.computeIfAbsent(host, name -> new HostMetrics(registry, name, LATENCY_BUCKETS));
    }

    public void upstreamConnectError(String cluster) {
        upstreamConnectErrors.computeIfAbsent(cluster, name -> Counter.builder("portcullis.upstream.connect.errors")
                .description("Connections to endpoints that failed (refused, timed out, reset)")
                .tag("cluster", name).register(registry)).increment();
    }

    public void passthroughConnection(String host) {
        passthroughConnections.computeIfAbsent(host, name -> Counter.builder("portcullis.passthrough.connections")
                .description("Connections relayed to endpoints without decrypting, by host")
                .tag("host", name).register(registry)).increment();
    }

    public void tlsHandshake(String protocol) {
        handshakes.computeIfAbsent(protocol, name -> Counter.builder("portcullis.tls.handshakes")
                .description("Completed TLS handshakes by protocol version")
                .tag("protocol", name).register(registry)).increment();
    }

    public void tlsHandshakeFailure(String reason) {
        handshakeFailures.computeIfAbsent(reason, name -> Counter.builder("portcullis.tls.handshake.failures")
                .description("TLS handshakes that failed, by reason")
                .tag("reason", name).register(registry)).increment();
    }

    /** The open-connection count of one listener, for its connection handler to move up and down. */
    public AtomicInteger openConnections(String listener) {
        return openConnections.computeIfAbsent(listener, name -> {
            AtomicInteger count = new AtomicInteger();
            Gauge.builder("portcullis.connections.open", count, AtomicInteger::get)
                    .description("Client connections open now").tag("listener", name).register(registry);
            return count;
        });
    }

    public void snapshotApplied(long version, Duration took, List<CertificateExpiry> certificates) {
        snapshotVersion.set(version);
        snapshotApply.record(took);
        certificateExpiry.register(certificates.stream()
                .map(row -> MultiGauge.Row.of(Tags.of("host", row.host(), "certificate", row.certificate()),
                        row.notAfter().getEpochSecond()))
                .toList(), true);
    }

    public String scrape() {
        return registry.scrape();
    }

    /** Meters of one virtual host: requests by status class, and latency. */
    public static final class HostMetrics {
        private final Counter[] requestsByStatusClass = new Counter[6];
        private final Timer latency;

        private HostMetrics(PrometheusMeterRegistry registry, String host, Duration[] buckets) {
            for (int statusClass = 1; statusClass <= 5; statusClass++) {
                requestsByStatusClass[statusClass] = Counter.builder("portcullis.requests")
                        .description("Requests answered, by host and status class")
                        .tag("host", host).tag("status", statusClass + "xx").register(registry);
            }
            latency = Timer.builder("portcullis.request.duration")
                    .description("Time from a request's head to the end of its response")
                    .tag("host", host).serviceLevelObjectives(buckets).register(registry);
        }

        public void record(int status, long nanos) {
            int statusClass = status / 100;
            requestsByStatusClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 5].increment();
            latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
