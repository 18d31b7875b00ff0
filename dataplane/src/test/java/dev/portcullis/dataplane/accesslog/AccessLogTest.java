package dev.portcullis.dataplane.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.dataplane.config.AccessLogSettings;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.config.ListenerSettings;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** The access log as written: lines from the real writer, parsed and checked field by field. */
class AccessLogTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("access log CA", KeyType.EC_P256);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cr3t-token-value";

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private EchoBackend backend;
    private EchoBackend tlsPod;
    private TestDataPlane dataPlane;
    private AsyncAccessLog log;

    @BeforeEach
    void start() throws Exception {
        backend = EchoBackend.start("pod", "127.0.0.1", 0);
        IssuedCertificate podCertificate = CA.issueServer(List.of("pass.example.test"), KeyType.EC_P256);
        tlsPod = EchoBackend.start("tls-pod", "127.0.0.1", 0,
                SslContextBuilder.forServer(podCertificate.privateKey(), podCertificate.chain()).build(), false);
    }

    @AfterEach
    void stop() {
        if (dataPlane != null) {
            dataPlane.close();
        }
        if (log != null) {
            log.close();
        }
        backend.close();
        tlsPod.close();
    }

    @Test
    void anHttpsRequestIsOneJsonLineWithEveryFieldAndNoSecret() throws Exception {
        serve(AccessLogSettings.DEFAULT);
        try (var socket = new java.net.Socket("127.0.0.1", dataPlane.httpsPort())) {
            String text = RawTlsClient.get(TestClients.sslContextTrusting(CA), socket, "app.example.test",
                    "/orders/7?token=" + SECRET).text();
            assertThat(text).startsWith("HTTP/1.1 200 ");
        }
        JsonNode line = nextLine();
        assertThat(Instant.parse(line.get("time").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(line.get("kind").asText()).isEqualTo("http");
        assertThat(line.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(line.get("sni").asText()).isEqualTo("app.example.test");
        assertThat(line.get("tls").asText()).isEqualTo("TLSv1.3");
        assertThat(line.get("cipher").asText()).startsWith("TLS_");
        assertThat(line.get("host").asText()).isEqualTo("app.example.test");
        assertThat(line.get("method").asText()).isEqualTo("GET");
        assertThat(line.get("path").asText()).as("no query by default").isEqualTo("/orders/7");
        assertThat(line.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("bytesSent").asLong()).isPositive();
        assertThat(line.get("upstream").asText()).isEqualTo("127.0.0.1:" + backend.address().getPort());
        assertThat(line.get("cluster").asText()).isEqualTo("pod");
        assertThat(line.get("upstreamMillis").asLong()).isNotNegative();
        assertThat(line.get("totalMillis").asLong()).isGreaterThanOrEqualTo(line.get("upstreamMillis").asLong());
        assertThat(line.get("retries").asInt()).isZero();
        assertThat(line.get("requestId").asText()).matches("[0-9a-f]{32}");
        assertThat(line.toString()).doesNotContain(SECRET);
    }

    @Test
    void cookiesAndAuthorizationNeverReachTheLogAndTheProxysOwnAnswersAreLogged() throws Exception {
        serve(AccessLogSettings.DEFAULT);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(dataPlane.http("other.example.test", "/x"))
                .header("Cookie", "session=" + SECRET).header("Authorization", "Bearer " + SECRET).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        String raw = lines.poll(10, TimeUnit.SECONDS);
        assertThat(raw).doesNotContain(SECRET);
        JsonNode line = JSON.readTree(raw);
        assertThat(line.get("status").asInt()).isEqualTo(404);
        assertThat(line.has("upstream")).as("the proxy answered").isFalse();
        assertThat(line.has("tls")).as("plain HTTP").isFalse();
        assertThat(line.get("bytesSent").asLong()).isEqualTo(missing.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void http2RequestsSayTheirProtocol() throws Exception {
        serve(AccessLogSettings.DEFAULT);
        HttpClient client = HttpClient.newBuilder().sslContext(TestClients.sslContextTrusting(CA)).version(HttpClient.Version.HTTP_2)
                .build();
        assertThat(client.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/h2")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        JsonNode line = nextLine();
        assertThat(line.get("protocol").asText()).isEqualTo("HTTP/2");
        assertThat(line.get("path").asText()).isEqualTo("/h2");
    }

    @Test
    void aPassthroughConnectionIsOneLineWithItsBytesBothWays() throws Exception {
        serve(AccessLogSettings.DEFAULT);
        try (var socket = new java.net.Socket("127.0.0.1", dataPlane.httpsPort())) {
            assertThat(RawTlsClient.get(TestClients.sslContextTrusting(CA), socket, "pass.example.test", "/").text())
                    .contains("backend: tls-pod");
        }
        JsonNode line = nextLine();
        assertThat(line.get("kind").asText()).isEqualTo("passthrough");
        assertThat(line.get("sni").asText()).isEqualTo("pass.example.test");
        assertThat(line.get("bytesReceived").asLong()).as("the ClientHello at least").isGreaterThan(100);
        assertThat(line.get("bytesSent").asLong()).isGreaterThan(100);
        assertThat(line.get("upstream").asText()).isEqualTo("127.0.0.1:" + tlsPod.address().getPort());
        assertThat(line.has("status")).isFalse();
    }

    @Test
    void theQueryWhenAskedTheTextFormatAndSamplingThatKeepsEveryServerError() throws Exception {
        serve(new AccessLogSettings(true, AccessLogSettings.TEXT, 0.0, true));
        HttpClient client = HttpClient.newHttpClient();
        client.send(HttpRequest.newBuilder(dataPlane.http("plain.example.test", "/sampled-out?q=1")).build(),
                HttpResponse.BodyHandlers.discarding());
        client.send(HttpRequest.newBuilder(dataPlane.http("plain.example.test", "/down/x?q=2")).build(),
                HttpResponse.BodyHandlers.discarding());
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertThat(line).as("the 503 of a cluster without endpoints, never sampled out").isNotNull();
        List<String> fields = List.of(line.split(" "));
        assertThat(fields.get(1)).isEqualTo("http");
        assertThat(fields.get(2)).isEqualTo("127.0.0.1");
        assertThat(fields.get(3)).as("no SNI").isEqualTo("-");
        assertThat(fields.get(6)).as("no client certificate").isEqualTo("-");
        assertThat(fields.get(7)).isEqualTo("plain.example.test");
        assertThat(fields.get(8)).isEqualTo("GET");
        assertThat(fields.get(9)).as("with its query").isEqualTo("/down/x?q=2");
        assertThat(fields.get(11)).isEqualTo("503");
        assertThat(lines).as("the sampled-out 200 never came").isEmpty();
    }

    @Test
    void offMeansNoLine() throws Exception {
        serve(AccessLogSettings.OFF);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(dataPlane.http("plain.example.test", "/")).build(),
                HttpResponse.BodyHandlers.discarding());
        // The writer flushes whenever its queue runs dry: a line would be there by the time a second request is answered.
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(dataPlane.http("plain.example.test", "/")).build(),
                HttpResponse.BodyHandlers.discarding());
        log.close();
        assertThat(lines).isEmpty();
    }

    private JsonNode nextLine() throws Exception {
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertThat(line).as("an access log line").isNotNull();
        return JSON.readTree(line);
    }

    private void serve(AccessLogSettings settings) {
        IssuedCertificate app = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        VirtualHost passthrough = new VirtualHost("pass.example.test", TlsMode.PASSTHROUGH, null,
                List.of(new Route(PathMatch.prefix("/"), "tls-pod")), false);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", "app", prefix("/", "pod")),
                        host("plain.example.test", null, prefix("/down", "down"), prefix("/", "pod")), passthrough),
                List.of(new Cluster("pod", endpoints(List.of(backend))), new Cluster("down", List.of()),
                        new Cluster("tls-pod", List.of(Endpoint.ready("127.0.0.1", tlsPod.address().getPort())))),
                List.of(certificate("app", app)), null,
                new ListenerSettings("1.2", Limits.DEFAULTS, null, null, null, settings, null)));
        log = new AsyncAccessLog(new LineCollector(lines), new SimpleMeterRegistry().counter("dropped"));
        dataPlane.server().config().useAccessLog(log);
    }

    /** The writer's output, one string per line. */
    private static final class LineCollector extends OutputStream {
        private final BlockingQueue<String> lines;
        private final java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();

        LineCollector(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(java.nio.charset.StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }
    }
}
