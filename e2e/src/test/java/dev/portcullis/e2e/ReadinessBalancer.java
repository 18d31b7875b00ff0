package dev.portcullis.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What stands before data plane pods in a cluster, made small: a TCP balancer that sends each new
 * connection to a backend whose {@code /readyz} is checked every 200 ms (as an EndpointSlice follows
 * readiness): ready from its first 200, not ready after three failed checks in a row, as a kubelet's
 * default failure threshold. It relays bytes both ways until either side closes.
 */
final class ReadinessBalancer implements AutoCloseable {

    private static final int FAILURE_THRESHOLD = 3;

    /** A data plane as the balancer knows it: where its traffic goes and where it says it is ready. */
    record Backend(int port, int adminPort) {
    }

    private final ServerSocket listener;
    private final List<Backend> backends = new CopyOnWriteArrayList<>();
    /** Failed checks in a row of each backend that has been ready once. */
    private final Map<Backend, Integer> failedChecks = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final HttpClient probes = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
    private volatile boolean open = true;

    ReadinessBalancer() throws IOException {
        listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
        // As a kubelet's readiness probe: every 200 ms.
        prober.scheduleWithFixedDelay(this::probe, 0, 200, TimeUnit.MILLISECONDS);
    }

    int port() {
        return listener.getLocalPort();
    }

    void add(Backend backend) {
        backends.add(backend);
    }

    void remove(Backend backend) {
        backends.remove(backend);
        failedChecks.remove(backend);
    }

    boolean isReady(Backend backend) {
        Integer failed = failedChecks.get(backend);
        return failed != null && failed < FAILURE_THRESHOLD;
    }

    private void probe() {
        for (Backend backend : backends) {
            if (readyz(backend)) {
                failedChecks.put(backend, 0);
            } else {
                // One slow answer from a loaded backend is not a verdict.
                failedChecks.computeIfPresent(backend, (unused, failed) -> failed + 1);
            }
        }
    }

    private boolean readyz(Backend backend) {
        try {
            return probes.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.adminPort() + "/readyz"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void accept() {
        while (open) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        List<Backend> up = backends.stream().filter(this::isReady).toList();
        if (up.isEmpty()) {
            close(client);
            return;
        }
        Backend backend = up.get(Math.floorMod(next.getAndIncrement(), up.size()));
        try {
            Socket server = new Socket(InetAddress.getLoopbackAddress(), backend.port());
            Thread.ofVirtual().start(() -> pump(server, client));
            pump(client, server);
        } catch (IOException e) {
            close(client);
        }
    }

    /** Copies until {@code from} ends, then half-closes {@code to} (or closes both on an error). */
    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            close(from);
            close(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        prober.shutdownNow();
        listener.close();
    }
}
