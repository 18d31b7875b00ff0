package dev.portcullis.dataplane.admin;

import dev.portcullis.dataplane.runtime.DaemonThreads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.metrics.DataPlaneMetrics;
import dev.portcullis.dataplane.runtime.LiveConfig;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The admin listener: {@code /healthz} (the process is up), {@code /readyz} (a snapshot is
 * applied), {@code /metrics} (Prometheus text) and {@code /debug/endpoints} (each cluster's
 * endpoints as this data plane sees them: healthy, ejected, failing checks). Kept off the proxy's event loops.
 */
public final class AdminServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static AdminServer start(InetSocketAddress address, LiveConfig config, DataPlaneMetrics metrics)
            throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("portcullis-admin"));
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", exchange -> {
            var current = config.current();
            if (config.draining()) {
                respond(exchange, 503, "text/plain", "not ready: draining\n");
            } else if (current == null) {
                respond(exchange, 503, "text/plain", "not ready: no snapshot applied yet\n");
            } else {
                respond(exchange, 200, "text/plain", "ready: snapshot version " + current.version() + "\n");
            }
        });
        server.createContext("/debug/endpoints", exchange -> respond(exchange, 200, "application/json",
                dev.portcullis.dataplane.health.EndpointsJson.of(config.health())));
        server.createContext("/metrics", exchange -> {
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                respond(exchange, 404, "text/plain", "not found\n");
                return;
            }
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, 0); // chunked, written as the registry makes it
                try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 64 * 1024)) {
                    metrics.scrape(out);
                }
            }
        });
        server.start();
        return new AdminServer(server, executor);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                status = 404;
                body = "not found\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
