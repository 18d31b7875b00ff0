package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pod that answers the first request of each connection and drops the connection on the second
 * without answering, as a pod that crashes mid-request does: what it saw may have been acted on,
 * so only an idempotent request may be sent to it again.
 */
class RequestReplayTest {

    private ServerSocket pod;
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private TestDataPlane dataPlane;

    @BeforeEach
    void start() throws Exception {
        pod = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::serve);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("replay.example.test", null, prefix("/", "pod"))),
                List.of(new Cluster("pod", List.of(Endpoint.ready("127.0.0.1", pod.getLocalPort())))),
                List.of(), null));
    }

    @AfterEach
    void stop() throws IOException {
        dataPlane.close();
        pod.close();
    }

    @ParameterizedTest(name = "{0} on a connection the pod drops: seen {1} time(s), client gets {2}")
    @CsvSource({"POST, 1, 502", "PATCH, 1, 502", "GET, 2, 200", "DELETE, 2, 200"})
    void onlyIdempotentRequestsAreSentAgain(String method, int timesSeen, int status) throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            OutputStream out = client.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
            out.write("GET /warm HTTP/1.1\r\nHost: replay.example.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(statusLine(in)).contains(" 200 ");
            out.write((method + " /act HTTP/1.1\r\nHost: replay.example.test\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(statusLine(in)).contains(" " + status + " ");
        }
        assertThat(seen.get(method + " /act").get()).as("times the pod saw it").isEqualTo(timesSeen);
    }

    private static String statusLine(BufferedReader in) throws IOException {
        String status = in.readLine();
        String line;
        int length = 0;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.skip(length);
        return status;
    }

    /** Each connection: the first request answered with keep-alive, the second read and dropped. */
    private void serve() {
        while (!pod.isClosed()) {
            try {
                Socket connection = pod.accept();
                Thread.ofVirtual().start(() -> {
                    try (connection) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                                StandardCharsets.ISO_8859_1));
                        for (int request = 0; request < 2; request++) {
                            String line = in.readLine();
                            if (line == null) {
                                return;
                            }
                            String[] parts = line.split(" ");
                            seen.computeIfAbsent(parts[0] + " " + parts[1], key -> new AtomicInteger()).incrementAndGet();
                            while ((line = in.readLine()) != null && !line.isEmpty()) {
                                // headers; the requests here have no body
                            }
                            if (request == 0) {
                                connection.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                        .getBytes(StandardCharsets.ISO_8859_1));
                            }
                        }
                    } catch (IOException ignored) {
                        // the proxy closed the connection
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }
}
