package dev.portcullis.dataplane.controlplane;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.runtime.DaemonThreads;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The operator's snapshot channel as the data plane sees it: a JDK HTTPS server (as the operator's
 * is) that wants a client certificate from the CA, long-polls {@code /v1/snapshot} and records
 * the client certificate of every request.
 */
final class TestChannel implements AutoCloseable {

    /** One request as the server saw it. */
    record Poll(long after, BigInteger clientSerial) {
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final String epoch = Long.toHexString(System.nanoTime());
    private final List<Poll> polls = new CopyOnWriteArrayList<>();
    private final Object changed = new Object();
    private long version;
    private volatile byte[] rawBody;
    private volatile boolean rawGzip;

    private TestChannel(HttpsServer server, ExecutorService executor, long version) {
        this.server = server;
        this.executor = executor;
        this.version = version;
    }

    /** Listens on 127.0.0.1 at {@code port} (0: any), serving an empty snapshot of {@code version}. */
    static TestChannel start(CertificateAuthority ca, int port, long version) throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool(DaemonThreads.named("test-channel"));
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        SSLContext context = serverContext(ca);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        server.setExecutor(executor);
        TestChannel channel = new TestChannel(server, executor, version);
        server.createContext("/v1/snapshot", exchange -> {
            try (exchange) {
                channel.serve((HttpsExchange) exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return channel;
    }

    private void serve(HttpsExchange exchange) throws IOException, InterruptedException {
        String query = exchange.getRequestURI().getRawQuery();
        long after = epoch.equals(value(query, "epoch")) ? Long.parseLong(value(query, "after")) : -1;
        polls.add(new Poll(after, ((X509Certificate) exchange.getSSLSession().getPeerCertificates()[0]).getSerialNumber()));
        long serving;
        synchronized (changed) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (version <= after && System.nanoTime() < deadline) {
                changed.wait(1000);
            }
            serving = version;
        }
        if (serving <= after) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        byte[] raw = rawBody;
        byte[] body = raw != null ? raw : SnapshotCodec.toJson(new Snapshot(serving, List.of(), List.of(), List.of(), null))
                .getBytes(StandardCharsets.UTF_8);
        if (raw != null && rawGzip) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.getResponseHeaders().set("X-Snapshot-Epoch", epoch);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Answers the polls waiting, and the next ones, with these bytes as the body (gzip-encoded when {@code gzip}). */
    void publishRaw(long newVersion, byte[] body, boolean gzip) {
        synchronized (changed) {
            rawBody = body;
            rawGzip = gzip;
            version = newVersion;
            changed.notifyAll();
        }
    }

    /** Answers the polls waiting, and the next ones, with a snapshot of this version. */
    void publish(long newVersion) {
        synchronized (changed) {
            rawBody = null;
            version = newVersion;
            changed.notifyAll();
        }
    }

    List<Poll> polls() {
        return List.copyOf(polls);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static String value(String query, String name) {
        for (String part : query.split("&")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return "";
    }

    private static SSLContext serverContext(CertificateAuthority ca) throws Exception {
        IssuedCertificate serving = ca.issueServer(List.of("localhost", "127.0.0.1"), CertificateAuthority.KeyType.EC_P256);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("serving", serving.privateKey(), new char[0], serving.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    /** Stops as an operator that goes away does: the listener and every open connection close. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
