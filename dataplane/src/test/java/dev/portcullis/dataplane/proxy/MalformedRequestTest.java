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
    private static final AtomicInteger REQUEST_HEADS = new AtomicInteger();
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
        REQUEST_HEADS.set(0);
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
                row("escaped dot-segments out of the routed prefix", "GET /public/%2e%2E/internal HTTP/1.1\r\nHost: narrow.example.test\r\nConnection: close\r\n\r\n", 404),
                // RFC 9112 5.2: obs-fold (a field line starting with SP or HTAB) is refused, never unfolded.
                unseen("obs-fold (SP)", "GET / HTTP/1.1\r\nHost: app.example.test\r\nX-A: 1\r\n 2\r\n\r\n", 400),
                unseen("obs-fold (HTAB)", "GET / HTTP/1.1\r\nHost: app.example.test\r\nX-A: 1\r\n\t2\r\n\r\n", 400),
                unseen("obs-fold of the Host", "GET / HTTP/1.1\r\nHost: app.example.test\r\n other.example.test\r\n\r\n", 400),
                unseen("obs-fold of the last field", "GET / HTTP/1.1\r\nX-A: 1\r\nHost: app.example.test\r\n \r\n\r\n", 400),
                unseen("obs-fold in the second of two pipelined requests", "GET / HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: 3\r\n\r\nabc"
                        + "GET / HTTP/1.1\r\nHost: app.example.test\r\nX-A: 1\r\n 2\r\n\r\n", 1, 400),
                unseen("whitespace before the first field", "GET / HTTP/1.1\r\n Host: app.example.test\r\n\r\n", 400),
                // Trailers (RFC 9110 6.5.1): a line that does not parse, a folded one, and fields that frame,
                // route or modify a request are refused; the pod never gets the last chunk.
                row("a trailer line without a colon", chunked("no-colon\r\n"), 400),
                row("a folded trailer", chunked("X-Checksum: 1\r\n 2\r\n"), 400),
                row("a trailer with space before its colon", chunked("X-Checksum : 1\r\n"), 400),
                row("a Content-Length trailer", chunked("Content-Length: 5\r\n"), 400),
                row("a Transfer-Encoding trailer", chunked("Transfer-Encoding: chunked\r\n"), 400),
                row("a Trailer trailer", chunked("Trailer: X-Checksum\r\n"), 400),
                row("a Host trailer", chunked("Host: other.example.test\r\n"), 400),
                row("an Authorization trailer", chunked("Authorization: Basic YTpi\r\n"), 400),
                row("a Content-Type trailer", chunked("content-type: text/plain\r\n"), 400),
                row("a Forwarded trailer", chunked("X-Checksum: 1\r\nForwarded: for=10.0.0.1\r\n"), 400));
    }

    private static String chunked(String trailers) {
        return "POST / HTTP/1.1\r\nHost: app.example.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n" + trailers + "\r\n";
    }

    /** A row whose head is refused: the pod sees no byte of it (of its request number {@code heads}). */
    private static org.junit.jupiter.params.provider.Arguments unseen(String name, String request, int status) {
        return unseen(name, request, 0, status);
    }

    private static org.junit.jupiter.params.provider.Arguments unseen(String name, String request, int completeBefore, int status) {
        return org.junit.jupiter.params.provider.Arguments.of(name, request, completeBefore, status, true);
    }

    private static org.junit.jupiter.params.provider.Arguments row(String name, String request, int status) {
        return org.junit.jupiter.params.provider.Arguments.of(name, request, 0, status, false);
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("malformed")
    void getsItsStatusAndThePodNeverACompleteRequest(String name, String request, int completeBefore, int status,
                                                     boolean headUnseen) throws Exception {
        String answer;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            client.setSoTimeout(20_000); // a connection left open fails the row instead of hanging the run
            client.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            // readAllBytes returns at the end of the stream only: the proxy closed the connection.
            answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        // After complete requests, the refused one's answer follows theirs (the pod's have no body).
        String refusal = answer;
        for (int i = 0; i < completeBefore; i++) {
            assertThat(refusal).as(name).startsWith("HTTP/1.1 200 ");
            refusal = refusal.substring(refusal.indexOf("\r\n\r\n") + 4);
        }
        assertThat(refusal).as(name).startsWith("HTTP/1.1 " + status + " ");
        assertThat(COMPLETE_REQUESTS.get()).as("complete requests the pod received").isEqualTo(completeBefore);
        if (headUnseen) {
            assertThat(REQUEST_HEADS.get()).as("request heads the pod received").isEqualTo(completeBefore);
        }
    }

    @org.junit.jupiter.api.Test
    void aLegalTrailerReachesThePod() throws Exception {
        String answer;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            client.getOutputStream().write(chunked("X-Checksum: 3a\r\n").replace("Host:", "Connection: close\r\nHost:")
                    .getBytes(StandardCharsets.ISO_8859_1));
            answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 200 ");
        assertThat(COMPLETE_REQUESTS.get()).isOne();
        assertThat(LAST_HEAD.get().toLowerCase()).endsWith("\r\n0\r\nx-checksum: 3a\r\n\r\n");
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

    /**
     * Counts each request head it receives, and answers 200 to each request it receives complete
     * (head, and a chunked body to its last chunk and the end of its trailers).
     */
    private static void serve() {
        while (!pod.isClosed()) {
            try {
                Socket connection = pod.accept();
                Thread.ofVirtual().start(() -> {
                    try (connection) {
                        InputStream in = connection.getInputStream();
                        ByteArrayOutputStream received = new ByteArrayOutputStream();
                        int b;
                        boolean headCounted = false;
                        while ((b = in.read()) >= 0) {
                            received.write(b);
                            String text = received.toString(StandardCharsets.ISO_8859_1);
                            int headEnd = text.indexOf("\r\n\r\n");
                            if (headEnd < 0) {
                                continue;
                            }
                            if (!headCounted) {
                                headCounted = true;
                                REQUEST_HEADS.incrementAndGet();
                            }
                            boolean chunked = text.toLowerCase().contains("transfer-encoding: chunked");
                            int lastChunk = text.indexOf("\r\n0\r\n", headEnd + 2);
                            if (!chunked || lastChunk >= 0 && text.endsWith("\r\n\r\n") && text.length() >= lastChunk + 7) {
                                headCounted = false;
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
