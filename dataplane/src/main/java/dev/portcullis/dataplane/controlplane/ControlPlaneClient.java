package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDeltaCodec;
import dev.portcullis.dataplane.metrics.ControlPlaneMetrics;
import dev.portcullis.dataplane.runtime.LiveConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Pulls snapshots from the operator: long-polls {@code GET /v1/snapshot?after=VERSION&epoch=E} over
 * mutual TLS with the client certificate the operator issued (a mounted Secret folder with
 * {@code tls.crt}, {@code tls.key} and {@code ca.crt}, read again when the operator renews it), and
 * applies what comes back. While the operator is away the last snapshot keeps being served, and
 * reconnects back off exponentially with full jitter.
 */
public final class ControlPlaneClient implements AutoCloseable {

    private final java.util.concurrent.atomic.AtomicInteger failedPolls = new java.util.concurrent.atomic.AtomicInteger();

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneClient.class);
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);
    /** Short: an operator that moved may leave a Service address that drops connection attempts. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final URI base;
    private final String ingressClass;
    private final ClientCertificates certificates;
    private final LiveConfig config;
    private final ControlPlaneMetrics metrics;
    private final Thread thread;
    private final SnapshotAnswers answers;
    private final Backoff backoff = Backoff.forReconnects();
    private volatile HttpClient http;
    private volatile boolean running = true;
    private long version = -1;
    private String epoch = "";
    private String lastRejection;

    private ControlPlaneClient(URI base, String ingressClass, ClientCertificates certificates, LiveConfig config) {
        this.base = base;
        this.ingressClass = ingressClass;
        this.certificates = certificates;
        this.http = httpClient(certificates.context());
        this.config = config;
        this.metrics = config.metrics().controlPlane();
        this.answers = new SnapshotAnswers(metrics);
        SnapshotDeltaCodec.prepare(); // not on the first change's path
        this.thread = new Thread(this::run, "portcullis-control-plane");
        this.thread.setDaemon(true);
    }

    public static ControlPlaneClient start(URI controlPlane, Path clientCertificateDirectory, LiveConfig config)
            throws IOException {
        return start(controlPlane, null, clientCertificateDirectory, config);
    }

    /** With {@code ingressClass}, the snapshots of that IngressClass only (what its DataPlane serves). */
    public static ControlPlaneClient start(URI controlPlane, String ingressClass, Path clientCertificateDirectory,
                                           LiveConfig config) throws IOException {
        ControlPlaneClient client = new ControlPlaneClient(controlPlane, ingressClass,
                ClientCertificates.load(clientCertificateDirectory), config);
        client.thread.start();
        return client;
    }

    private void run() {
        long firstFailure = 0;
        while (running) {
            try {
                poll();
                metrics.answered();
                if (backoff.failures() > 0) {
                    LOG.info("control plane {} reachable again after {} failed attempts in {} ms", base,
                            backoff.failures(), Duration.ofNanos(System.nanoTime() - firstFailure).toMillis());
                }
                backoff.afterSuccess();
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return; // closed: the poll in flight was cut short on purpose
                }
                Duration wait = backoff.afterFailure();
                failedPolls.incrementAndGet();
                metrics.pollFailed();
                String servingNow = config.current() == null ? "nothing served yet"
                        : "still serving snapshot version " + config.current().version();
                if (backoff.failures() == 1) {
                    firstFailure = System.nanoTime();
                }
                if (e instanceof RejectedSnapshot) {
                    LOG.debug("next poll in {} ms", wait.toMillis()); // the rejection was logged as an error
                } else if (backoff.failures() == 1) {
                    LOG.warn("control plane {} unreachable: {}; {}; retrying", base, e.toString(), servingNow);
                } else {
                    LOG.debug("control plane {} still unreachable ({} attempts); next try in {} ms", base,
                            backoff.failures(), wait.toMillis());
                }
                sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() throws IOException, InterruptedException {
        certificates.reloadIfChanged().ifPresent(this::connectWith);
        URI uri = base.resolve("/v1/snapshot?after=" + version + "&epoch=" + epoch
                + (ingressClass == null ? "" : "&class=" + ingressClass));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(POLL_TIMEOUT.plusSeconds(15))
                .header("Accept-Encoding", "gzip").header("Accept", SnapshotAnswers.ACCEPT).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() == 204) {
                return;
            }
            if (response.statusCode() != 200) {
                throw new IOException("control plane answered " + response.statusCode());
            }
            boolean gzip = response.headers().firstValue("Content-Encoding").filter("gzip"::equals).isPresent();
            String contentType = response.headers().firstValue("Content-Type").orElse(null);
            long answered = System.nanoTime();
            Snapshot snapshot;
            try {
                snapshot = answers.read(contentType, gzip, body);
                if (snapshot != null && !SnapshotDelta.MEDIA_TYPE.equals(contentType)) { // a whole one: at start, or to catch up
                    LOG.info("received the whole snapshot version {} in {} ms", snapshot.version(),
                            (System.nanoTime() - answered) / 1_000_000);
                }
            } catch (InvalidSnapshotException e) {
                // Not a connection problem: said as what it is, and the poll backs off as after a failure.
                // The same answer comes again at every retry: said once, then counted.
                config.metrics().snapshotRejected();
                if (!e.getMessage().equals(lastRejection)) {
                    LOG.error("snapshot from the control plane rejected: {}; still serving {}", e.getMessage(),
                            config.current() == null ? "nothing" : "version " + config.current().version());
                } else {
                    LOG.debug("snapshot from the control plane rejected again: {}", e.getMessage());
                }
                lastRejection = e.getMessage();
                throw new RejectedSnapshot();
            }
            if (snapshot == null) {
                LOG.warn("the control plane sent a delta from another version than {}; asking for the whole snapshot",
                        version);
                version = -1;
                answers.forget();
                return;
            }
            lastRejection = null;
            epoch = response.headers().firstValue("X-Snapshot-Epoch").orElse("");
            version = snapshot.version();
            try {
                config.apply(snapshot);
            } catch (InvalidSnapshotException e) {
                LOG.error("snapshot version {} from the control plane rejected: {}; still serving {}", snapshot.version(),
                        e.getMessage(), config.current() == null ? "nothing" : "version " + config.current().version());
            }
        }
    }

    /** The control plane answered, but with a snapshot that does not read: backed off like a failed poll. */
    private static final class RejectedSnapshot extends IOException {
        RejectedSnapshot() {
            super("the control plane's snapshot was rejected");
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A new client, so a new connection: the kept-alive one would go on showing the old certificate,
     * as the server checks it only in the handshake. Called between polls, so nothing is in flight.
     */
    private void connectWith(SSLContext context) {
        HttpClient previous = http;
        http = httpClient(context);
        previous.shutdownNow();
        if (!running) {
            http.shutdownNow();
        }
    }

    private static HttpClient httpClient(SSLContext context) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .sslContext(context)
                .build();
    }

    /** Polls that failed since start (refused, TLS refused, an error answer): what tests and metrics can watch. */
    public int failedPolls() {
        return failedPolls.get();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        http.shutdownNow();
    }
}
