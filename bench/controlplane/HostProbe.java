import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real HTTPS requests to the data plane, one TLS connection each, with the host's name as SNI: a
 * host counts as served when the data plane shows that host's own certificate (checked against
 * the benchmark's CA and the name) and the expected backend answers 200.
 */
final class HostProbe {

    private final SSLSocketFactory factory;
    private final int port;

    HostProbe(X509Certificate ca, int port) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("bench-ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        this.factory = context.getSocketFactory();
        this.port = port;
    }

    /** True when {@code host} answers {@code GET /} with 200 from the backend named {@code backend}. */
    boolean served(String host, String backend) {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            raw.setSoTimeout(5_000);
            try (SSLSocket tls = (SSLSocket) factory.createSocket(raw, host, port, true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(host)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                OutputStream out = tls.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = tls.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return response.startsWith("HTTP/1.1 200") && response.contains("backend: " + backend + "\n");
            }
        } catch (IOException notYet) {
            return false; // refused, the wrong certificate (not served yet), cut: not served
        }
    }

    /**
     * Requests every host until each has answered once, with {@code threads} clients; a host that
     * does not answer yet goes back in the queue until a line about a snapshot arrives (or a
     * quarter second passes). Returns how many hosts never answered before the deadline.
     */
    int sweep(List<String> hosts, String backend, int threads, WatchedProcess dataPlane, Runnable alive, long deadlineNanos)
            throws Exception {
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(hosts);
        AtomicInteger left = new AtomicInteger(hosts.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    String host;
                    while ((host = queue.poll()) != null && System.nanoTime() < deadlineNanos) {
                        alive.run();
                        long seen = dataPlane.snapshotLines();
                        if (served(host, backend)) {
                            left.decrementAndGet();
                        } else {
                            queue.add(host);
                            dataPlane.awaitSnapshotLine(seen, 250);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return left.get();
    }
}
