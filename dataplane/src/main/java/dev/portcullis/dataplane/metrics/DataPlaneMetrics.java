package dev.portcullis.dataplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
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

    private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
    /**
     * What a client can get wrong, each a counter and one DEBUG line, never a warning: a TLS
     * handshake that fails (not TLS, a bad ClientHello, no shared cipher), an HTTP/1.1 request that
     * does not parse, an HTTP/2 protocol error, a connection reset mid-way.
     */
    public static final List<String> CLIENT_ERROR_KINDS = List.of("tls", "http", "http2", "reset");
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
    private final Map<String, Counter> handshakeFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> clientErrors;
    private final Map<String, AtomicInteger> openConnections = new ConcurrentHashMap<>();
    private final Map<String, Counter> connectionsCut = new ConcurrentHashMap<>();
    private final AtomicLong snapshotVersion = new AtomicLong(-1);
    private final Timer snapshotApply;
    private final Counter snapshotApplyFailures;
    private final CertificateExpiryGauges certificateExpiry = new CertificateExpiryGauges(registry);
    private final AtomicInteger certificatesKept = new AtomicInteger();
    private final AtomicInteger nothingToKeep = new AtomicInteger();
    private final AtomicInteger ocspStapled = new AtomicInteger();
    private volatile ControlPlaneMetrics controlPlane;
    private final AtomicInteger upgradedOpen = new AtomicInteger();
    private final AtomicInteger sessionTicketKeys = new AtomicInteger();
    private final Map<String, Counter> upgrades = new ConcurrentHashMap<>();

    public DataPlaneMetrics() {
        Gauge.builder("portcullis.snapshot.version", snapshotVersion, AtomicLong::get)
                .description("Version of the snapshot being served (-1 before the first)")
                .register(registry);
        snapshotApply = Timer.builder("portcullis.snapshot.apply")
                .description("Time to validate, compile and swap in a snapshot")
                .register(registry);
        snapshotApplyFailures = Counter.builder("portcullis.snapshot.apply.failures")
                .description("Snapshots that could not be applied (invalid, or a certificate or endpoint that does not load); "
                        + "the last good one stays in service")
                .register(registry);
        Gauge.builder("portcullis.ocsp.stapled.certificates", ocspStapled, AtomicInteger::get)
                .description("Served certificates with an OCSP response stapled (from the snapshot) to handshakes that ask")
                .register(registry);
        Gauge.builder("portcullis.certificates.kept", certificatesKept, AtomicInteger::get)
                .description("Hosts (and the default certificate) whose certificate the operator could not read, served by "
                        + "outcome: kept (the certificate served before) or default (none to keep: the default certificate)")
                .tag("outcome", "kept").register(registry);
        Gauge.builder("portcullis.certificates.kept", nothingToKeep, AtomicInteger::get)
                .description("Hosts (and the default certificate) whose certificate the operator could not read, served by "
                        + "outcome: kept (the certificate served before) or default (none to keep: the default certificate)")
                .tag("outcome", "default").register(registry);
        Map<String, Counter> byKind = new java.util.HashMap<>();
        for (String kind : CLIENT_ERROR_KINDS) {
            byKind.put(kind, Counter.builder("portcullis.client.errors")
                    .description("Client connections that ended in a protocol error, by kind (" + String.join(", ", CLIENT_ERROR_KINDS)
                            + "); logged at DEBUG only, so a flood of them cannot fill the disk")
                    .tag("kind", kind).register(registry));
        }
        clientErrors = Map.copyOf(byKind);
        // Both versions show from the start (at 0), so a dashboard's TLS-version split is never empty.
        for (String protocol : TLS_PROTOCOLS) {
            handshakeCounter(protocol);
        }
        Gauge.builder("portcullis.tls.session.ticket.keys", sessionTicketKeys, AtomicInteger::get)
                .description("Session ticket keys shared through the snapshot and loaded (the newest seals, all open); "
                        + "0 when the snapshot shares none")
                .register(registry);
        Gauge.builder("portcullis.upgraded.connections.open", upgradedOpen, AtomicInteger::get)
                .description("Connections switched by a 101 to another protocol (WebSocket) and relayed as bytes now")
                .register(registry);
        for (String protocol : UPGRADE_PROTOCOLS) {
            upgrades.put(protocol, Counter.builder("portcullis.upgrades")
                    .description("Exchanges an endpoint switched to another protocol with a 101, by protocol")
                    .tag("protocol", protocol).register(registry));
        }
        for (String reason : CUT_REASONS) {
            connectionsCut.put(reason, Counter.builder("portcullis.connections.cut")
                    .description("Client connections the data plane cut or refused to protect itself, by reason")
                    .tag("reason", reason).register(registry));
        }
    }

    /** Why the data plane cuts a connection; each a counter from the start (at 0). */
    public static final List<String> CUT_REASONS = List.of("request_head_timeout", "body_idle_timeout",
            "write_stall", "listener_connection_limit", "client_connection_limit", "upgraded_idle_timeout",
            "body_too_large", "tls_handshake_timeout", "proxy_header_timeout", "proxy_header_invalid");

    /** What an upgrade is counted as: the protocol a client names is not a label of its choosing. */
    public static final List<String> UPGRADE_PROTOCOLS = List.of("websocket", "other");

    /** A 101 switched a connection to a byte relay; {@link #upgradedClosed()} when it ends. */
    public void upgraded(String protocol) {
        upgrades.get("websocket".equalsIgnoreCase(protocol) ? "websocket" : "other").increment();
        upgradedOpen.incrementAndGet();
    }

    public void upgradedClosed() {
        upgradedOpen.decrementAndGet();
    }

    /** A connection cut for one of {@link #CUT_REASONS}: a map read, nothing allocated. */
    /** Counts access log lines dropped because the writer could not keep up. */
    public Counter accessLogDropped() {
        return Counter.builder("portcullis.access.log.dropped")
                .description("Access log lines dropped because standard output did not keep up").register(registry);
    }

    public void connectionCut(String reason) {
        connectionsCut.get(reason).increment();
    }

    public HostMetrics host(String host) {
        return hosts.computeIfAbsent(host, name -> new HostMetrics(registry, name, LATENCY_BUCKETS));
    }

    public void upstreamConnectError(String cluster) {
        upstreamConnectErrors.computeIfAbsent(cluster, name -> Counter.builder("portcullis.upstream.connect.errors")
                .description("Connections to endpoints that failed (refused, timed out, reset)")
                .tag("cluster", name).register(registry)).increment();
    }

    /** Called once per handshake: a map lookup of a registered counter, nothing allocated. */
    public void tlsHandshake(String protocol) {
        Counter counter = handshakes.get(protocol);
        (counter != null ? counter : handshakeCounter(protocol)).increment();
    }

    private Counter handshakeCounter(String protocol) {
        return handshakes.computeIfAbsent(protocol, name -> Counter.builder("portcullis.tls.handshakes")
                .description("Completed TLS handshakes by protocol version")
                .tag("protocol", name).register(registry));
    }

    public void tlsHandshakeFailure(String reason) {
        handshakeFailures.computeIfAbsent(reason, name -> Counter.builder("portcullis.tls.handshake.failures")
                .description("TLS handshakes that failed, by reason")
                .tag("reason", name).register(registry)).increment();
    }

    /** One client-caused error of one of the {@link #CLIENT_ERROR_KINDS}. */
    public void clientError(String kind) {
        Counter counter = clientErrors.get(kind);
        if (counter == null) {
            throw new IllegalArgumentException("not a client error kind: " + kind);
        }
        counter.increment();
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

    public void snapshotApplied(long version, Duration took, java.util.Collection<CertificateExpiry> certificates) {
        snapshotVersion.set(version);
        snapshotApply.record(took);
        certificateExpiry.serve(certificates);
    }

    /** As {@link #snapshotApplied}, given the expiry rows that went and came since the last snapshot applied. */
    public void snapshotChanged(long version, Duration took, List<CertificateExpiry> gone, List<CertificateExpiry> added) {
        snapshotVersion.set(version);
        snapshotApply.record(took);
        certificateExpiry.change(gone, added);
    }

    /** The registry the admin port shows: {@code serve -f} adds the operator's own meters (OCSP stapling) to it. */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    public void ocspStapled(int certificates) {
        ocspStapled.set(certificates);
    }

    /**
     * How many places (hosts, the default certificate) the snapshot served now told to keep their
     * certificate: {@code kept} serve the one they had, {@code onDefault} had none and serve the default.
     */
    public void certificatesKept(int kept, int onDefault) {
        certificatesKept.set(kept);
        nothingToKeep.set(onDefault);
    }

    /** How many shared session ticket keys the served contexts hold (0: none shared, BoringSSL's own). */
    public void sessionTicketKeys(int count) {
        sessionTicketKeys.set(count);
    }

    /** A snapshot was refused: the counter an alert watches. */
    public void snapshotRejected() {
        snapshotApplyFailures.increment();
    }

    /** The operator-connection meters, registered on first use (by the control-plane client). */
    public ControlPlaneMetrics controlPlane() {
        ControlPlaneMetrics meters = controlPlane;
        if (meters == null) {
            synchronized (this) {
                if (controlPlane == null) {
                    controlPlane = new ControlPlaneMetrics(registry);
                }
                meters = controlPlane;
            }
        }
        return meters;
    }

    public String scrape() {
        return registry.scrape();
    }

    /**
     * The same text, written as it is made: at 10,000 hosts a scrape is tens of megabytes, which as
     * one string (and its bytes) took G1 a full collection or three in a 512Mi data plane.
     */
    public void scrape(java.io.OutputStream out) throws java.io.IOException {
        registry.scrape(out);
    }
}
