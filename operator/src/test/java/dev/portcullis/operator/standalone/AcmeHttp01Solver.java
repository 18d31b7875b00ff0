package dev.portcullis.operator.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the pod cert-manager starts for one HTTP-01 challenge (its {@code acmesolver},
 * pkg/issuer/acme/http/solver/solver.go), answering as it does: {@code /} and {@code /healthz} are
 * 200; a request whose path is {@code /.well-known/acme-challenge/<token>} for the expected host
 * (the {@code Host} header, port stripped) and token gets 200 with the key authorization and
 * {@code Cache-Control: no-cache, no-store, must-revalidate}; anything else is 404. So a 200 with
 * the key proves that the proxy delivered the path and the {@code Host} header unchanged.
 */
final class AcmeHttp01Solver implements AutoCloseable {

    static final String CHALLENGE_PATH = "/.well-known/acme-challenge";

    private final HttpServer server;
    private final String domain;
    private final String token;
    private final String key;
    private final AtomicInteger answered = new AtomicInteger();

    private AcmeHttp01Solver(String domain, String token, String key) throws IOException {
        this.domain = domain;
        this.token = token;
        this.key = key;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A solver for one challenge; the key authorization is the token, a dot and the account key's thumbprint. */
    static AcmeHttp01Solver start(String domain, String token, String thumbprint) throws IOException {
        return new AcmeHttp01Solver(domain, token, token + "." + thumbprint);
    }

    int port() {
        return server.getAddress().getPort();
    }

    String key() {
        return key;
    }

    String token() {
        return token;
    }

    /** Challenge requests answered with the key: each is one that reached this solver intact. */
    int answered() {
        return answered.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String host = hostWithoutPort(exchange.getRequestHeaders().getFirst("Host"));
            if (path.equals("/") || path.equals("/healthz")) {
                respond(exchange, 200, "");
                return;
            }
            int slash = path.lastIndexOf('/');
            String basePath = slash <= 0 ? "/" : path.substring(0, slash);
            String requestToken = path.substring(slash + 1);
            if (!basePath.equals(CHALLENGE_PATH) || !domain.equals(host) || !token.equals(requestToken)) {
                respond(exchange, 404, "404 page not found\n");
                return;
            }
            answered.incrementAndGet();
            respond(exchange, 200, key);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (status == 200) {
            exchange.getResponseHeaders().set("Cache-Control", "no-cache, no-store, must-revalidate");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String hostWithoutPort(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end < 0 ? hostHeader : hostHeader.substring(1, end);
        }
        int colon = hostHeader.lastIndexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
