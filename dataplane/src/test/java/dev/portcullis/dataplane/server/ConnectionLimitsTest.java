package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** Deadlines and caps on real sockets: a slow head gets 408, a greedy client or listener is capped. */
class ConnectionLimitsTest {

    private static final String REQUEST = "GET /x HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n";
    private EchoBackend backend;
    private TestDataPlane dataPlane;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void startBackend() throws Exception {
        backend = EchoBackend.start("pod", "127.0.0.1", 0);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (dataPlane != null) {
            dataPlane.close();
        }
        backend.close();
    }

    @Test
    void aHeadTrickledPastItsDeadlineGets408AndAClosedConnection() throws Exception {
        serve(Limits.DEFAULTS.withRequestHeadTimeoutMillis(300));
        try (Socket slow = connect("127.0.0.1")) {
            slow.getOutputStream().write("GET /x HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1); // until closed
            assertThat(answer).startsWith("HTTP/1.1 408 ");
        }
        assertThat(dataPlane.server().metrics().scrape())
                .contains("portcullis_connections_cut_total{reason=\"request_head_timeout\"} 1.0");
        // A connection keeps the limits it started with: this one's deadline is long enough that a test
        // thread stalled between connect and write cannot miss it.
        dataPlane.server().config().apply(snapshot(2, Limits.DEFAULTS));
        assertThat(get("127.0.0.1")).as("a whole head in time is served").startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aClientOverItsConnectionCapIsClosedWhileOthersAreServed() throws Exception {
        serve(Limits.DEFAULTS.withRequestHeadTimeoutMillis(60_000).withConnectionCaps(0, 5));
        for (int i = 0; i < 5; i++) {
            sockets.add(connect("127.0.0.1"));
        }
        await(() -> openConnections() == 5); // accepted on several event loops: the sixth must come last
        try (Socket sixth = connect("127.0.0.1")) {
            assertThat(sixth.getInputStream().read()).as("closed at once").isEqualTo(-1);
        }
        assertThat(get("127.0.0.2")).as("another client address").startsWith("HTTP/1.1 200 ");
        sockets.removeFirst().close();
        await(() -> openConnections() == 4);
        assertThat(get("127.0.0.1")).as("under its cap again").startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aFullListenerStopsAcceptingAndResumesWhenConnectionsClose() throws Exception {
        serve(Limits.DEFAULTS.withRequestHeadTimeoutMillis(60_000).withConnectionCaps(4, 100));
        for (int i = 0; i < 4; i++) {
            sockets.add(connect("127.0.0.1"));
        }
        await(() -> openConnections() == 4);
        try (Socket waiting = connect("127.0.0.2")) { // in the kernel's backlog, not accepted
            waiting.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            for (Socket idle : sockets) {
                idle.close();
            }
            sockets.clear();
            String answer = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).as("accepted once the listener had room").startsWith("HTTP/1.1 200 ");
        }
        assertThat(dataPlane.server().metrics().scrape())
                .contains("portcullis_connections_cut_total{reason=\"listener_connection_limit\"} 1.0");
    }

    private void serve(Limits limits) {
        dataPlane = TestDataPlane.serving(snapshot(1, limits));
    }

    private Snapshot snapshot(long version, Limits limits) {
        return new Snapshot(version,
                List.of(host("app.example.test", null, prefix("/", "pod"))),
                List.of(new dev.portcullis.dataplane.config.Cluster("pod", endpoints(List.of(backend)))),
                List.of(), null, new ListenerSettings("1.2", limits));
    }

    private Socket connect(String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), dataPlane.httpPort()));
        socket.setSoTimeout(10_000);
        return socket;
    }

    private String get(String from) throws IOException {
        try (Socket socket = connect(from)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private int openConnections() {
        java.util.regex.Matcher open = java.util.regex.Pattern.compile("portcullis_connections_open\\{listener=\"http\"} ([0-9.]+)")
                .matcher(dataPlane.server().metrics().scrape());
        return open.find() ? (int) Double.parseDouble(open.group(1)) : -1;
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(condition);
    }
}
