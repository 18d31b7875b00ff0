package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Timeouts that cut what stalls and spare what moves: an upload that takes longer than the
 * endpoint's response timeout completes, a body that stops arriving gets 408, a client that stops
 * reading is cut.
 */
class BodyTimeoutsTest {

    private EchoBackend backend;
    private TestDataPlane dataPlane;

    @BeforeEach
    void start() throws Exception {
        backend = EchoBackend.start("pod", "127.0.0.1", 0);
        // Body idle 600 ms, write stall 400 ms; the upload's cluster: response timeout 2 s, send timeout 5 s.
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", null, prefix("/", "pod")),
                        host("upload.example.test", null, prefix("/", "upload"))),
                List.of(new Cluster("pod", endpoints(List.of(backend))),
                        new Cluster("upload", BalancePolicy.ROUND_ROBIN, endpoints(List.of(backend)), 0, 2_000, null,
                                ProxyProtocol.OFF, 5_000, 0, 0)),
                List.of(), null, new ListenerSettings("1.2", Limits.DEFAULTS.withBodyIdleTimeoutMillis(600).withWriteStallTimeoutMillis(400))));
    }

    @AfterEach
    void stop() {
        dataPlane.close();
        backend.close();
    }

    @Test
    void anUploadThatKeepsMovingOutlivesTheResponseTimeout() throws Exception {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: upload.example.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // A chunk every 200 ms, the last no sooner than 3.2 s in: longer than the 2 s response timeout,
            // and a late pacer is still far from the 5 s send timeout.
            AtomicInteger sent = new AtomicInteger();
            pacer.scheduleAtFixedRate(() -> {
                try {
                    if (sent.incrementAndGet() <= 15) {
                        out.write("a\r\n0123456789\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    } else if (sent.get() == 16) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                } catch (IOException ignored) {
                    // the test's assertion says what happened
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200 ").contains("body-bytes: 150");
        } finally {
            pacer.shutdownNow();
        }
    }

    @Test
    void aBodyThatStopsArrivingGets408() throws Exception {
        try (Socket client = connect()) {
            client.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: 100\r\n\r\n"
                    + "only part of it").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 408 ");
        }
        assertThat(dataPlane.server().metrics().scrape())
                .contains("portcullis_connections_cut_total{reason=\"body_idle_timeout\"} 1.0");
    }

    @Test
    void aClientThatStopsReadingIsCut() throws Exception {
        try (Socket client = connect()) {
            client.setReceiveBufferSize(4096);
            client.getOutputStream().write("GET /bytes/200000000 HTTP/1.1\r\nHost: app.example.test\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            // Reads nothing: the proxy's buffers fill, the connection stops being writable, the stall timer cuts it.
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> dataPlane.server().metrics().scrape()
                    .contains("portcullis_connections_cut_total{reason=\"write_stall\"} 1.0"));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort());
        socket.setSoTimeout(20_000);
        return socket;
    }
}
