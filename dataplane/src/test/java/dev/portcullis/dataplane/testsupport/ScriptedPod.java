package dev.portcullis.dataplane.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pod (the JDK's HTTP server on 127.0.0.1) that answers {@code /status/NNN} with that status and
 * anything else with 200, each body naming the pod, the request line and every request field
 * (lower-cased, sorted); responses carry {@code Server} and {@code X-Powered-By}, and those to
 * {@code /sts...} the pod's own {@code Strict-Transport-Security: max-age=5}. Each request it
 * got is kept, in order, for a test to take.
 */
public final class ScriptedPod implements AutoCloseable {

    /** One request as the pod saw it. */
    public record Seen(String method, String target, Map<String, String> headers, int bodyBytes) {
    }

    private final String name;
    private final HttpServer server;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    private ScriptedPod(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    public static ScriptedPod start(String name) throws IOException {
        return new ScriptedPod(name);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next request the pod got, waiting up to 10 s for it. */
    public Seen next() throws InterruptedException {
        Seen next = seen.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError(name + " got no request");
        }
        return next;
    }

    /** Whether the pod got no request beyond those taken. */
    public boolean idle() {
        return seen.isEmpty();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            int bodyBytes = body.readAllBytes().length;
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((field, values) ->
                    headers.put(field.toLowerCase(Locale.ROOT), String.join(", ", values)));
            String target = exchange.getRequestURI().toString();
            seen.add(new Seen(exchange.getRequestMethod(), target, headers, bodyBytes));
            int status = target.startsWith("/status/") ? Integer.parseInt(target.substring(8, 11)) : 200;
            StringBuilder text = new StringBuilder(name + " " + status + "\n" + exchange.getRequestMethod() + " " + target + "\n");
            headers.forEach((field, value) -> text.append(field).append(": ").append(value).append('\n'));
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Server", name + "-server");
            exchange.getResponseHeaders().set("X-Powered-By", "scripts");
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if (target.startsWith("/sts")) {
                exchange.getResponseHeaders().set("Strict-Transport-Security", "max-age=5");
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
