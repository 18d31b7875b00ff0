package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.cli.LimitOptions;
import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.LimitOverrides;
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
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static dev.portcullis.dataplane.testsupport.RawHttp.readHead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits a DataPlane (or {@code serve}'s flags) can change reach the wire: header and request
 * line sizes, the keep-alive and TLS handshake timeouts, and the response-start timeout of clusters
 * that set none of their own.
 */
class ConfigurableLimitsTest {

    private EchoBackend backend;
    private ServerSocket silentPod;
    private TestDataPlane dataPlane;

    @BeforeEach
    void startBackends() throws Exception {
        backend = EchoBackend.start("pod", "127.0.0.1", 0);
        silentPod = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // accepts, never answers
    }

    @AfterEach
    void stop() throws IOException {
        if (dataPlane != null) {
            dataPlane.close();
        }
        backend.close();
        silentPod.close();
    }

    @Test
    void headersOverTheConfiguredSizeGet431AndALongerRequestLineGets414() throws Exception {
        serve(flags("--max-header-size", "1k", "--max-request-line", "512"));

        String bigHeader = "X-Big: " + "b".repeat(1500) + "\r\n";
        assertThat(exchange("GET /x HTTP/1.1\r\nHost: app.example.test\r\n" + bigHeader + "Connection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 431 ");
        assertThat(exchange("GET /" + "p".repeat(600) + " HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 414 ");
        assertThat(exchange("GET /x HTTP/1.1\r\nHost: app.example.test\r\nX-Small: " + "s".repeat(500)
                + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheConfiguredTime() throws Exception {
        serve(flags("--keep-alive-timeout", "300ms"));
        // The idle clock starts at accept: should this thread stall that long before its request goes out,
        // the proxy rightly closes the connection unanswered, and the request goes again on a new one.
        for (int attempt = 1; ; attempt++) {
            try (Socket client = connect(dataPlane.httpPort())) {
                String head;
                try {
                    client.getOutputStream().write("GET /x HTTP/1.1\r\nHost: app.example.test\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    head = readHead(client.getInputStream());
                } catch (SocketException closedUnanswered) {
                    head = "";
                }
                if (head.isEmpty() && attempt < 5) {
                    continue;
                }
                assertThat(head).startsWith("HTTP/1.1 200 ");
                InputStream in = client.getInputStream();
                in.skipNBytes(contentLength(head));
                assertThat(in.read()).as("closed by the proxy once idle (the socket timeout is 10 s)").isEqualTo(-1);
                return;
            }
        }
    }

    @Test
    void aTlsClientThatNeverSendsItsClientHelloIsClosed() throws Exception {
        serve(flags("--tls-handshake-timeout", "300ms"));
        try (Socket client = connect(dataPlane.httpsPort())) {
            assertThat(client.getInputStream().read()).as("closed (the socket timeout is 10 s)").isEqualTo(-1);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> dataPlane.server().metrics()
                .scrape().contains("portcullis_connections_cut_total{reason=\"tls_handshake_timeout\"} 1.0"));
    }

    @Test
    void aClusterWithoutATimeOfItsOwnGetsTheListenersResponseStartTimeout() throws Exception {
        serve(flags("--response-start-timeout", "300ms"));

        assertThat(exchange("GET /silent HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 504 ");
        assertThat(exchange("GET /patient HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n"))
                .as("a pod that answers, in its cluster's own time, is unaffected").startsWith("HTTP/1.1 200 ");
    }

    /** The limits that {@code serve} would apply for these flags over a snapshot with default ones. */
    private static Limits flags(String... args) {
        LimitOptions options = new LimitOptions();
        new picocli.CommandLine(options).parseArgs(args);
        LimitOverrides overrides = options.overrides();
        return overrides.applyTo(Limits.DEFAULTS);
    }

    private void serve(Limits limits) {
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", null, prefix("/silent", "silent"), prefix("/patient", "patient"),
                        prefix("/", "pod"))),
                List.of(new Cluster("pod", endpoints(List.of(backend))),
                        // Its own response time: a loaded machine's slow answer does not race a short listener one.
                        new Cluster("patient", BalancePolicy.ROUND_ROBIN, endpoints(List.of(backend)), 0, 30_000),
                        new Cluster("silent", List.of(new Endpoint("127.0.0.1", silentPod.getLocalPort(), true)))),
                List.of(), null, new ListenerSettings("1.2", limits)));
    }

    private String exchange(String request) throws IOException {
        try (Socket client = connect(dataPlane.httpPort())) {
            client.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }


    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }
}
