package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that could mean two things to two parsers, sent raw: each gets its status and a closed
 * connection, and the pod behind never receives a complete request.
 */
class MalformedRequestTest {

    private static ServerSocket pod;
    private static final AtomicInteger COMPLETE_REQUESTS = new AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicReference<String> LAST_REQUEST_LINE =
            new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.concurrent.atomic.AtomicReference<String> LAST_HEAD =
            new java.util.concurrent.atomic.AtomicReference<>();
    private static TestDataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        pod = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(MalformedRequestTest::serve);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", null, prefix("/", "pod")),
                        host("narrow.example.test", null, prefix("/public", "pod"))),
                List.of(new Cluster("pod", List.of(Endpoint.ready("127.0.0.1", pod.getLocalPort())))),
                List.of(), null));
    }

    @AfterAll
    static void stop() throws IOException {
        dataPlane.close();
        pod.close();
    }

    @BeforeEach
    void reset() {
        COMPLETE_REQUESTS.set(0);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> malformed() {
        return Stream.of(
                row("a chunk size that is not hex", "POST / HTTP/1.1\r\nHost: app.example.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
                row("a chunk size after a valid chunk", "POST / HTTP/1.1\r\nHost: app.example.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n-1\r\nx\r\n0\r\n\r\n", 400),
                row("two Hosts", "GET / HTTP/1.1\r\nHost: app.example.test\r\nHost: other.example.test\r\n\r\n", 400),
                row("the same Host twice", "GET / HTTP/1.1\r\nHost: app.example.test\r\nHost: app.example.test\r\n\r\n", 400),
                row("no Host", "GET / HTTP/1.1\r\n\r\n", 400),
                row("an absolute target naming another host", "GET http://narrow.example.test/internal HTTP/1.1\r\nHost: app.example.test\r\n\r\n", 400),
                row("CONNECT", "CONNECT app.example.test:443 HTTP/1.1\r\nHost: app.example.test:443\r\n\r\n", 405),
                row("an escaped NUL", "GET /a%00b HTTP/1.1\r\nHost: app.example.test\r\n\r\n", 400),
                row("a bad escape", "GET /a%zz HTTP/1.1\r\nHost: app.example.test\r\n\r\n", 400),
                row("dot-segments out of the routed prefix", "GET /public/../internal HTTP/1.1\r\nHost: narrow.example.test\r\nConnection: close\r\n\r\n", 404),
                row("escaped dot-segments out of the routed prefix", "GET /public/%2e%2E/internal HTTP/1.1\r\nHost: narrow.example.test\r\nConnection: close\r\n\r\n", 404));
    }

    private static org.junit.jupiter.params.provider.Arguments row(String name, String request, int status) {
        return org.junit.jupiter.params.provider.Arguments.of(name, request, status);
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("malformed")
    void getsItsStatusAndThePodNeverACompleteRequest(String name, String request, int status) throws Exception {
        String answer;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            client.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1); // to the close
        }
        assertThat(answer).as(name).startsWith("HTTP/1.1 " + status + " ");
        assertThat(COMPLETE_REQUESTS.get()).as("complete requests the pod received").isZero();
    }

    @org.junit.jupiter.api.Test
    void thePodReceivesTheNormalisedPathInOriginForm() throws Exception {
        String answer;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            client.getOutputStream().write(("GET http://narrow.example.test/public/a/%2e%2e/%7Eb?q=1 HTTP/1.1\r\n"
                    + "Host: narrow.example.test\r\nForwarded: for=10.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 200 ");
        assertThat(LAST_REQUEST_LINE.get()).isEqualTo("GET /public/~b?q=1 HTTP/1.1");
        assertThat(LAST_HEAD.get().toLowerCase()).as("the client's Forwarded is dropped").doesNotContain("forwarded: for=10.0.0.1");
    }

    /** Answers 200 to each request it receives complete (head, and a chunked body to its last chunk). */
    private static void serve() {
        while (!pod.isClosed()) {
            try {
                Socket connection = pod.accept();
                Thread.ofVirtual().start(() -> {
                    try (connection) {
                        InputStream in = connection.getInputStream();
                        ByteArrayOutputStream received = new ByteArrayOutputStream();
                        int b;
                        while ((b = in.read()) >= 0) {
                            received.write(b);
                            String text = received.toString(StandardCharsets.ISO_8859_1);
                            boolean chunked = text.toLowerCase().contains("transfer-encoding: chunked");
                            if (text.contains("\r\n\r\n") && (!chunked || text.endsWith("\r\n0\r\n\r\n"))) {
                                COMPLETE_REQUESTS.incrementAndGet();
                                LAST_REQUEST_LINE.set(text.substring(0, text.indexOf("\r\n")));
                                LAST_HEAD.set(text);
                                connection.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                                        .getBytes(StandardCharsets.ISO_8859_1));
                                received.reset();
                            }
                        }
                    } catch (IOException ignored) {
                        // the proxy cut the connection
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }
}
