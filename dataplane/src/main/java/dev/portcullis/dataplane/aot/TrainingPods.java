package dev.portcullis.dataplane.aot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The training run's pods on 127.0.0.1: one plain HTTP pod behind the terminated hosts, and one TLS
 * pod behind the passthrough host. {@code /} answers 1 KiB (as the bench's backend), {@code /big}
 * 256 KiB, so that relaying copies more than one buffer.
 */
final class TrainingPods implements AutoCloseable {

    static final int SMALL = 1024;
    static final int BIG = 256 * 1024;
    private static final byte[] SMALL_BODY = filled(SMALL);
    private static final byte[] BIG_BODY = filled(BIG);

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpServer plain;
    private final HttpsServer tls;

    TrainingPods(SSLContext serverContext) throws IOException {
        // Without it the JDK's server writes head and body in two segments and waits for the delayed
        // ACK between them: 40 ms a request. Read once, when its first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        plain.createContext("/", TrainingPods::answer);
        plain.setExecutor(executor);
        tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        tls.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        tls.createContext("/", TrainingPods::answer);
        tls.setExecutor(executor);
        plain.start();
        tls.start();
    }

    int plainPort() {
        return plain.getAddress().getPort();
    }

    int tlsPort() {
        return tls.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] body = exchange.getRequestURI().getPath().equals("/big") ? BIG_BODY : SMALL_BODY;
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] filled(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        return body;
    }

    @Override
    public void close() {
        plain.stop(0);
        tls.stop(0);
        executor.shutdownNow();
    }
}
