package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/2 by ALPN on the TLS listener: each stream proxied to HTTP/1.1 endpoints. */
class Http2Test {

    private static final CertificateAuthority CA = CertificateAuthority.create("h2 test CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);

    @TempDir
    static Path directory;
    private static EchoBackend backend;
    private static TestDataPlane dataPlane;
    private static HttpClient h2;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoBackend.start("echo", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", "app", prefix("/", "echo"))),
                List.of(new Cluster("echo", endpoints(List.of(backend)))),
                List.of(certificate("app", APP)), null));
        h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TestClients.sslContextTrusting(CA)).build();
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        backend.close();
    }

    @Test
    void proxiesAStreamToAnHttp11EndpointWithForwardedHeadersAndNoHttp2Internals() throws Exception {
        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/hello?x=1"))
                .header("x-http2-scheme", "spoofed").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("request: GET /hello?x=1 HTTP/1.1")
                .contains("host: app.example.test:" + dataPlane.httpsPort())
                .contains("x-forwarded-for: 127.0.0.1", "x-forwarded-proto: https", "x-real-ip: 127.0.0.1")
                .doesNotContain("x-http2-");
        assertThat(response.headers().firstValue("x-backend")).contains("echo");
        assertThat(response.headers().map()).doesNotContainKeys("connection", "keep-alive", "transfer-encoding");
    }

    @Test
    void streamsBodiesBothWays() throws Exception {
        byte[] upload = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < upload.length; i++) {
            upload[i] = (byte) (i * 31);
        }
        HttpResponse<String> posted = h2.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(posted.body()).contains("body-bytes: " + upload.length)
                .contains("body-sha256: " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload)));

        HttpResponse<byte[]> download = h2.send(HttpRequest.newBuilder(
                dataPlane.https("app.example.test", "/bytes/5000000")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).hasSize(5_000_000);
        for (int i = 0; i < download.body().length; i += 4099) {
            assertThat(download.body()[i]).isEqualTo((byte) (i % 251));
        }
    }

    @Test
    void manyConcurrentStreamsOnOneConnection() {
        // The JDK client fails, rather than queues, requests beyond the server's stream limit.
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, HttpPipeline.MAX_CONCURRENT_STREAMS - 28)
                .mapToObj(i -> h2.sendAsync(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/s/" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<String> response = responses.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).contains("request: GET /s/" + i + " HTTP/1.1");
        }
    }

    @Test
    void localAnswersTravelAsHttp2Too() {
        Processes.Result curl = Processes.run(List.of("curl", "-sk", "--http2", "-o", "/dev/null",
                "-w", "%{http_version} %{http_code}", "https://127.0.0.1:" + dataPlane.httpsPort() + "/"), "");
        assertThat(curl.stdout()).isEqualTo("2 404");
    }

    @Test
    void curlNegotiatesH2AndAnHttp11OnlyClientStillGetsHttp11() throws Exception {
        Path ca = Files.writeString(directory.resolve("ca.crt"), CA.certificatePem());
        String resolve = "app.example.test:" + dataPlane.httpsPort() + ":127.0.0.1";
        String url = "https://app.example.test:" + dataPlane.httpsPort() + "/";
        for (String version : List.of("2", "1.1")) {
            Processes.Result curl = Processes.run(List.of("curl", "-s", "--cacert", ca.toString(), "--resolve", resolve,
                    version.equals("2") ? "--http2" : "--http1.1", "-o", "/dev/null",
                    "-w", "%{http_version} %{http_code}", url), "");
            assertThat(curl.stdout()).isEqualTo(version + " 200");
        }
    }

    /**
     * Streams that outgrow small windows share the connection in turn: h2load asks for 32 downloads
     * of 300,000 bytes on one connection, 8 at a time, with a stream window of 16 KiB and a
     * connection window of 64 KiB, so every stream waits for WINDOW_UPDATEs many times over while
     * others wait beside it. Every download completes with every byte; none stalls.
     */
    @Test
    void concurrentDownloadsThroughSmallWindowsAllArriveWhole() {
        boolean installed = Processes.run(List.of("sh", "-c", "command -v h2load"), "").exitCode() == 0;
        String missing = "h2load is not installed (apt-get install nghttp2-client)";
        if (!installed && "true".equals(System.getenv("PORTCULLIS_REQUIRE_REAL_API_SERVER"))) {
            throw new AssertionError(missing + ", and PORTCULLIS_REQUIRE_REAL_API_SERVER=true asks for every test to run");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(installed, missing);
        int port = dataPlane.httpsPort();
        Processes.Result load = Processes.run(List.of("h2load", "-n", "32", "-c", "1", "-m", "8", "-w", "14", "-W", "16",
                "--connect-to=127.0.0.1:" + port, "https://app.example.test:" + port + "/bytes/300000"), "");
        assertThat(load.stdout()).as(load.stdout() + load.stderr())
                .contains("requests: 32 total, 32 started, 32 done, 32 succeeded, 0 failed, 0 errored, 0 timeout")
                .contains("status codes: 32 2xx")
                .containsPattern("traffic: .*\\(" + 32 * 300_000 + "\\) data");
    }
}
