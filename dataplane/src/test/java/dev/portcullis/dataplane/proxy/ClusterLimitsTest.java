package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.RecordingPod;
import dev.portcullis.dataplane.testsupport.RecordingPod.Behaviour;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster's own timeouts and request body limit (what {@code proxy-read-timeout},
 * {@code proxy-send-timeout} and {@code proxy-body-size} become) reach the wire, against a pod that
 * counts what it gets. The listener's limits stay at their defaults (60 s), so each cut here is the
 * cluster's doing.
 */
class ClusterLimitsTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("limits test CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
    private static final String HOST = "app.example.test";

    private RecordingPod pod;
    private TestDataPlane dataPlane;

    @AfterEach
    void stop() {
        if (dataPlane != null) {
            dataPlane.close();
        }
        if (pod != null) {
            pod.close();
        }
    }

    @Test
    void aPodSlowerThanItsClustersResponseTimeoutGets504() throws Exception {
        serve(Behaviour.SILENT, cluster -> new Cluster(cluster.name(), BalancePolicy.ROUND_ROBIN, cluster.endpoints(), 0, 300));

        assertThat(exchange("GET /slow HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 504 ");
        await().atMost(Duration.ofSeconds(10)).until(() -> pod.complete() == 1); // the pod had the request
    }

    @Test
    void aResponseThatFallsSilentIsCutAtItsClustersIdleTimeout() throws Exception {
        serve(Behaviour.STALL_MID_RESPONSE, cluster -> cluster.withBodyTimeouts(0, 300));

        String answer = exchange("GET /stream HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n0123456789"); // 10 of 100 bytes, then closed
        assertThat(scrape()).contains("portcullis_connections_cut_total{reason=\"body_idle_timeout\"} 1.0");
    }

    @Test
    void anUpgradedConnectionThatFallsSilentIsClosedAtItsClustersIdleTimeout() throws Exception {
        serve(Behaviour.UPGRADE_THEN_SILENT, cluster -> cluster.withBodyTimeouts(0, 300));

        String answer = exchange("GET /chat HTTP/1.1\r\nHost: " + HOST + "\r\nUpgrade: chat\r\nConnection: Upgrade\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 101 ").endsWith("\r\n\r\n"); // then closed, not the 1 h default
        assertThat(scrape()).contains("portcullis_connections_cut_total{reason=\"upgraded_idle_timeout\"} 1.0");
        await().atMost(Duration.ofSeconds(10)).until(() -> pod.closed() == 1);
    }

    @Test
    void aRequestBodyThatStopsArrivingGets408AtItsClustersSendTimeout() throws Exception {
        serve(Behaviour.ANSWER, cluster -> cluster.withBodyTimeouts(300, 0));

        assertThat(exchange("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 100\r\n\r\nonly part of it"))
                .startsWith("HTTP/1.1 408 ");
        assertThat(pod.complete()).isZero();
    }

    @Test
    void aPodThatStopsTakingTheBodyGets504AtItsClustersSendTimeout() throws Exception {
        // Until every buffer on the way is full the client must not look silent: 2 s spares a loaded machine's pauses.
        serve(Behaviour.STOP_READING, cluster -> cluster.withBodyTimeouts(2_000, 0));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            client.setSoTimeout(20_000);
            OutputStream out = client.getOutputStream();
            Thread writer = new Thread(() -> { // the head too, so no timer runs before this thread does
                byte[] piece = new byte[64 * 1024];
                try {
                    out.write(("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 1073741824\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    while (true) { // until every buffer on the way is full, then blocked until the proxy closes
                        out.write(piece);
                    }
                } catch (IOException closed) {
                    // the proxy gave up on this exchange
                }
            });
            writer.setDaemon(true);
            writer.start();
            assertThat(readHead(client)).startsWith("HTTP/1.1 504 ");
        }
        assertThat(pod.heads()).isEqualTo(1);
        assertThat(pod.complete()).isZero();
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413AndThePodGetsNoConnection() throws Exception {
        serve(Behaviour.ANSWER, cluster -> cluster.withMaxRequestBodyBytes(1024));
        String body = "b".repeat(5000);

        String refused = exchange("POST /limited/upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5000\r\n\r\n" + body);
        assertThat(refused).startsWith("HTTP/1.1 413 ").containsIgnoringCase("\r\ncontent-length: ")
                .containsIgnoringCase("\r\nconnection: close\r\n");
        // The same pod through a cluster without a limit: its only connection is this one.
        assertThat(exchange("POST /open/upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n" + body))
                .startsWith("HTTP/1.1 200 ");
        assertThat(pod.accepted()).isEqualTo(1);
        assertThat(pod.heads()).isEqualTo(1);
        assertThat(scrape()).contains("portcullis_connections_cut_total{reason=\"body_too_large\"} 1.0");
    }

    @Test
    void aBodyAtTheLimitPasses() throws Exception {
        serve(Behaviour.ANSWER, cluster -> cluster.withMaxRequestBodyBytes(1024));

        assertThat(exchange("POST /limited/upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 1024\r\nConnection: close\r\n\r\n"
                + "b".repeat(1024))).startsWith("HTTP/1.1 200 ");
        assertThat(exchange("POST /limited/upload HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "200\r\n" + "c".repeat(512) + "\r\n200\r\n" + "c".repeat(512) + "\r\n0\r\n\r\n")).startsWith("HTTP/1.1 200 ");
        assertThat(pod.complete()).isEqualTo(2);
    }

    @Test
    void aChunkedBodyThatCrossesTheLimitIsRefusedAndThePodNeverGetsAllOfIt() throws Exception {
        serve(Behaviour.ANSWER, cluster -> cluster.withMaxRequestBodyBytes(1024));
        StringBuilder chunked = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            chunked.append("3e8\r\n").append("c".repeat(1000)).append("\r\n");
        }
        chunked.append("0\r\n\r\n");

        String answer = exchange("POST /limited/upload HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
        if (!answer.isEmpty()) { // 413 when no response had begun; otherwise the connection is cut
            assertThat(answer).startsWith("HTTP/1.1 413 ");
        }
        // The pod's connection was opened for the stream and closed by the proxy with the body unfinished.
        await().atMost(Duration.ofSeconds(10)).until(() -> pod.accepted() == 1 && pod.closed() == 1);
        assertThat(pod.complete()).isZero();
        assertThat(scrape()).contains("portcullis_connections_cut_total{reason=\"body_too_large\"} 1.0");
    }

    @Test
    void http2BodiesOverTheLimitAreRefusedToo() throws Exception {
        serve(Behaviour.ANSWER, cluster -> cluster.withMaxRequestBodyBytes(1024));
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TestClients.sslContextTrusting(CA)).build();
        byte[] body = "b".repeat(5000).getBytes(StandardCharsets.US_ASCII);

        HttpResponse<String> declared = h2.send(HttpRequest.newBuilder(dataPlane.https(HOST, "/limited/fixed"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(declared.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(pod.accepted()).as("refused on its content-length, before any connection").isZero();

        // No content-length: DATA frames stream until they cross the limit.
        try {
            HttpResponse<String> streamed = h2.send(HttpRequest.newBuilder(dataPlane.https(HOST, "/limited/streamed"))
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(streamed.statusCode()).isEqualTo(413);
        } catch (IOException reset) {
            // the stream was reset: also a refusal
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pod.closed() == pod.accepted());
        assertThat(pod.complete()).isZero();

        HttpResponse<String> small = h2.send(HttpRequest.newBuilder(dataPlane.https(HOST, "/limited/small"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(pod.complete()).isEqualTo(1);
    }

    /**
     * A pod on two clusters: {@code /limited} and {@code /slow}, {@code /stream}, {@code /upload}
     * through the one the test shapes, {@code /open} through a plain one.
     */
    private void serve(Behaviour behaviour, java.util.function.UnaryOperator<Cluster> shape) throws IOException {
        pod = RecordingPod.start(behaviour);
        List<Endpoint> endpoints = List.of(Endpoint.ready("127.0.0.1", pod.port()));
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host(HOST, "app", prefix("/open", "open"), prefix("/", "shaped"))),
                List.of(shape.apply(new Cluster("shaped", endpoints)), new Cluster("open", endpoints)),
                List.of(certificate("app", APP)), null));
    }

    private String exchange(String request) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            client.setSoTimeout(20_000);
            OutputStream out = client.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The response head, as far as it arrives before the connection ends (a reset may follow it). */
    private static String readHead(Socket client) throws IOException {
        StringBuilder head = new StringBuilder();
        try {
            var in = client.getInputStream();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
        } catch (java.net.SocketException reset) {
            // what arrived before the reset is the answer
        }
        return head.toString();
    }

    private String scrape() {
        return dataPlane.server().metrics().scrape();
    }
}
