package dev.portcullis.operator.channel;

import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.runtime.DaemonThreads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.operator.publish.PublishedSnapshot;
import dev.portcullis.operator.publish.SnapshotPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * The channel data planes pull snapshots from: {@code GET /v1/snapshot?after=VERSION}, long-polled,
 * over mutual TLS. Only clients with a certificate from the operator's CA get through the handshake.
 * The answer is the newest snapshot (gzip) once it is newer than {@code after}, or 204 when the
 * poll times out. A data plane whose {@code Accept} names {@link SnapshotDelta#MEDIA_TYPE} gets only
 * what changed since {@code after} when the publisher still keeps the deltas from there; else, and
 * always for a new data plane or one from another epoch, the whole snapshot ({@code application/json}).
 */
public final class ChannelServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelServer.class);

    private final HttpsServer server;
    private final ExecutorService executor;
    private final ReloadingKeyManager keyManager;
    private final DataPlanesServing serving;

    private ChannelServer(HttpsServer server, ExecutorService executor, ReloadingKeyManager keyManager,
                          DataPlanesServing serving) {
        this.server = server;
        this.executor = executor;
        this.keyManager = keyManager;
        this.serving = serving;
    }

    public static ChannelServer start(InetSocketAddress bind, OperatorCertificates certificates, SnapshotPublisher publisher,
                                      Duration pollTimeout, MeterRegistry metrics) throws Exception {
        ReloadingKeyManager keyManager = new ReloadingKeyManager(certificates.serving());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("operator-ca", certificates.ca().certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[]{keyManager}, trust.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(bind, 128);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                ssl.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
                parameters.setSSLParameters(ssl);
            }
        });
        AtomicInteger polling = new AtomicInteger();
        Gauge.builder("portcullis.operator.dataplanes.connected", polling, AtomicInteger::get)
                .description("Data planes holding a long poll on this operator replica now (each connected data plane "
                        + "pod holds one); sum over replicas for the total")
                .register(metrics);
        ExecutorService executor = Executors.newCachedThreadPool(DaemonThreads.named("portcullis-channel"));
        server.setExecutor(executor);
        // Versions count up within one channel's life; a data plane that polled another one starts over.
        String epoch = Long.toHexString(new java.security.SecureRandom().nextLong());
        DataPlanesServing serving = new DataPlanesServing();
        server.createContext("/v1/snapshot", exchange -> {
            polling.incrementAndGet();
            try (exchange) {
                serve(exchange, publisher, pollTimeout, epoch, serving);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                polling.decrementAndGet();
            }
        });
        server.start();
        LOG.info("snapshot channel listening on {} (mutual TLS)", server.getAddress());
        return new ChannelServer(server, executor, keyManager, serving);
    }

    private static void serve(HttpExchange exchange, SnapshotPublisher publisher, Duration pollTimeout, String epoch,
                              DataPlanesServing serving) throws IOException, InterruptedException {
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        long after;
        try {
            after = parseAfter(exchange.getRequestURI().getRawQuery());
        } catch (NumberFormatException e) {
            byte[] message = "after must be a snapshot version\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, message.length);
            exchange.getResponseBody().write(message);
            return;
        }
        if (!epoch.equals(queryValue(exchange.getRequestURI().getRawQuery(), "epoch"))) {
            after = -1;
        }
        String ingressClass = queryValue(exchange.getRequestURI().getRawQuery(), "class");
        serving.polled(after, ingressClass == null);
        PublishedSnapshot snapshot = publisher.awaitForDataPlane(ingressClass == null ? "" : ingressClass, after, pollTimeout);
        if (snapshot == null) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        // A data plane that reads deltas says so; it gets one when a kept chain leads from its version.
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        byte[] body = after >= 0 && accept != null && accept.contains(SnapshotDelta.MEDIA_TYPE)
                ? snapshot.gzippedDeltaSince(after) : null;
        if (body != null) {
            exchange.getResponseHeaders().set("Content-Type", SnapshotDelta.MEDIA_TYPE);
            exchange.getResponseHeaders().set("X-Snapshot-Base", String.valueOf(after));
        } else {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            body = snapshot.gzippedJson();
        }
        exchange.getResponseHeaders().set("X-Snapshot-Version", String.valueOf(snapshot.version()));
        exchange.getResponseHeaders().set("X-Snapshot-Epoch", epoch);
        String accepts = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if (accepts != null && accepts.contains("gzip")) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        } else {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static long parseAfter(String query) {
        String after = queryValue(query, "after");
        return after == null ? -1 : Long.parseLong(after);
    }

    static String queryValue(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** Serves a renewed certificate to new connections. */
    public void reload(OperatorCertificates certificates) {
        keyManager.load(certificates.serving());
    }

    /** Whether any data plane has polled this channel yet. */
    public boolean dataPlanePolled() {
        return serving.polled();
    }

    /**
     * Waits until a data plane has applied one of this channel's snapshots (or polls the all-classes
     * stream), at most {@code timeout}; whether one has.
     */
    public boolean awaitDataPlaneServing(Duration timeout) throws InterruptedException {
        return serving.await(timeout);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
