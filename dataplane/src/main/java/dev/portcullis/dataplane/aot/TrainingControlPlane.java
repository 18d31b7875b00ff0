package dev.portcullis.dataplane.aot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/**
 * The operator's side of the channel as a pod's data plane first meets it, for the training run: a
 * mutual-TLS {@code GET /v1/snapshot} on 127.0.0.1 that answers a poll from before {@link #version}
 * with that whole snapshot (JSON, gzipped, as the operator sends one at a start) and any later
 * poll with 204. So the JDK's HTTP client, its TLS with a client certificate, and the decoding of a
 * whole snapshot, the path of every pod's start, are in the cache too.
 */
final class TrainingControlPlane implements AutoCloseable {

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final HttpsServer server;
    private final long version;
    private final byte[] gzippedSnapshot;

    TrainingControlPlane(SSLContext serverContext, long version, String snapshotJson) throws IOException {
        this.version = version;
        this.gzippedSnapshot = gzip(snapshotJson);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
            @Override
            public void configure(HttpsParameters parameters) {
                parameters.setNeedClientAuth(true);
            }
        });
        server.createContext("/v1/snapshot", this::answer);
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery();
            long after = query == null ? -1 : afterOf(query);
            if (after >= version) {
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.getResponseHeaders().set("X-Snapshot-Epoch", "training");
            exchange.sendResponseHeaders(200, gzippedSnapshot.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(gzippedSnapshot);
            }
        }
    }

    private static long afterOf(String query) {
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("after=")) {
                return Long.parseLong(parameter.substring("after=".length()));
            }
        }
        return -1;
    }

    private static byte[] gzip(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(bytes)) {
            zip.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
