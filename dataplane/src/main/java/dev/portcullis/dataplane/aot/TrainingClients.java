package dev.portcullis.dataplane.aot;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The real clients of the training run: the JDK's HttpClient for HTTP/1.1 keep-alive and HTTP/2,
 * TLS sockets for one-request connections (new and resumed handshakes) and for passthrough. Every
 * answer must be a 200 with the whole body: a training run that gets errors fails the build rather
 * than teach the JVM an error path.
 */
final class TrainingClients {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SSLContext context;
    private final SSLContext passthroughContext;
    private final InetSocketAddress https;

    /**
     * Two contexts: a JDK client offers the session it keeps for an address whatever name it asks
     * for, so passthrough connections from the terminated hosts' context would resume into them.
     */
    TrainingClients(SSLContext context, SSLContext passthroughContext, InetSocketAddress https) {
        this.context = context;
        this.passthroughContext = passthroughContext;
        this.https = https;
    }

    /** {@code requests} over {@code connections} HTTP/1.1 keep-alive connections, one request at a time on each. */
    void http1(int requests, int connections) throws Exception {
        try (HttpClient client = client(HttpClient.Version.HTTP_1_1);
             ExecutorService threads = Executors.newFixedThreadPool(connections)) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int share = requests / connections;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        expect(client.send(get(https, "/"), HttpResponse.BodyHandlers.ofByteArray()), TrainingPods.SMALL);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
    }

    /** {@code requests} HTTP/2 streams on one connection, {@code concurrent} at a time. */
    void http2(int requests, int concurrent) throws Exception {
        try (HttpClient client = client(HttpClient.Version.HTTP_2)) {
            expect(client.send(get(https, "/"), HttpResponse.BodyHandlers.ofByteArray()), TrainingPods.SMALL);
            for (int sent = 0; sent < requests; sent += concurrent) {
                List<CompletableFuture<HttpResponse<byte[]>>> batch = new ArrayList<>();
                for (int i = 0; i < concurrent; i++) {
                    batch.add(client.sendAsync(get(https, "/"), HttpResponse.BodyHandlers.ofByteArray()));
                }
                for (CompletableFuture<HttpResponse<byte[]>> response : batch) {
                    HttpResponse<byte[]> answer = response.get();
                    if (answer.version() != HttpClient.Version.HTTP_2) {
                        throw new IllegalStateException("the data plane did not negotiate HTTP/2");
                    }
                    expect(answer, TrainingPods.SMALL);
                }
            }
        }
    }

    /** One request per TLS connection to a terminated host; {@code resume} reuses the last session. */
    void handshakes(int connections, boolean resume) throws IOException {
        for (int i = 0; i < connections; i++) {
            try (SSLSocket socket = socket(context, TrainingSnapshots.HOST)) {
                exchange(socket, TrainingSnapshots.HOST, "/", TrainingPods.SMALL);
                if (!resume) {
                    socket.getSession().invalidate();
                }
            }
        }
    }

    /** Connections relayed by SNI to the TLS pod, which terminates them: small and large answers. */
    void passthrough(int connections) throws IOException {
        for (int i = 0; i < connections; i++) {
            String path = i % 4 == 0 ? "/big" : "/";
            try (SSLSocket socket = socket(passthroughContext, TrainingSnapshots.PASSTHROUGH_HOST)) {
                exchange(socket, TrainingSnapshots.PASSTHROUGH_HOST, path,
                        path.equals("/big") ? TrainingPods.BIG : TrainingPods.SMALL);
            }
        }
    }

    /** Plain HTTP to the data plane's HTTP listener, and the admin listener's probes and metrics. */
    void plainAndAdmin(InetSocketAddress http, InetSocketAddress admin, int requests) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build()) {
            for (int i = 0; i < requests; i++) {
                // A terminated host answers plain HTTP with a redirect to https.
                HttpResponse<byte[]> answer = client.send(get("http", http, "/"), HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() >= 400) {
                    throw new IllegalStateException("plain HTTP answered " + answer.statusCode());
                }
            }
            for (String path : List.of("/healthz", "/readyz", "/metrics")) {
                HttpResponse<byte[]> answer = client.send(get("http", admin, path), HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("admin " + path + " answered " + answer.statusCode());
                }
            }
        }
    }

    private HttpClient client(HttpClient.Version version) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(TrainingSnapshots.HOST)));
        return HttpClient.newBuilder().version(version).sslContext(context).sslParameters(parameters)
                .connectTimeout(TIMEOUT).build();
    }

    private SSLSocket socket(SSLContext from, String sni) throws IOException {
        SSLSocket socket = (SSLSocket) from.getSocketFactory().createSocket();
        socket.connect(https, (int) TIMEOUT.toMillis());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static void exchange(SSLSocket socket, String host, String path, int bodyBytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] answer = in.readAllBytes();
        String head = new String(answer, 0, Math.min(answer.length, 12), StandardCharsets.US_ASCII);
        if (!head.equals("HTTP/1.1 200") || answer.length < bodyBytes) {
            throw new IllegalStateException(host + path + " answered '" + head + "' with " + answer.length + " bytes");
        }
    }

    private static HttpRequest get(InetSocketAddress address, String path) {
        return get("https", address, path);
    }

    private static HttpRequest get(String scheme, InetSocketAddress address, String path) {
        return HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + address.getPort() + path)).timeout(TIMEOUT).build();
    }

    private static void expect(HttpResponse<byte[]> response, int bodyBytes) {
        if (response.statusCode() != 200 || response.body().length != bodyBytes) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + " with "
                    + response.body().length + " bytes");
        }
    }
}
