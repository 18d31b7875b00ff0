package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Http2Pod;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 50 MB each way through a data plane in its own JVM whose heap and direct memory are both far
 * smaller than the body: it can only pass if bodies stream with backpressure. Both to an HTTP/1.1
 * endpoint and to an h2c pod, whose HTTP/2 windows must bound what the proxy holds.
 */
class StreamingTest {

    private static final long BODY_BYTES = 50L * 1024 * 1024;
    private static final String SMALL_MEMORY = "24m";
    private static final CertificateAuthority CA = CertificateAuthority.create("streaming CA", KeyType.EC_P256);

    @TempDir
    static Path directory;
    private static EchoBackend backend;
    private static Http2Pod h2cPod;
    private static Process dataPlane;
    private static int httpsPort;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoBackend.start("echo", "127.0.0.1", 0);
        h2cPod = Http2Pod.start(null, 100);
        Path snapshot = Files.writeString(directory.resolve("snapshot.json"), SnapshotCodec.toJson(new Snapshot(1,
                List.of(host("app.example.test", "app", prefix("/", "echo")),
                        host("h2c.example.test", "app", prefix("/", "h2c"))),
                List.of(new Cluster("echo", endpoints(List.of(backend))),
                        new Cluster("h2c", BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("127.0.0.1",
                                h2cPod.address().getPort())), 0, 0, null, ProxyProtocol.OFF, UpstreamProtocol.HTTP_2)),
                List.of(certificate("app", CA.issueServer(List.of("app.example.test", "h2c.example.test"), KeyType.EC_P256))),
                null)));
        httpsPort = FreePorts.next();
        int adminPort = FreePorts.next();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx" + SMALL_MEMORY,
                "-XX:MaxDirectMemorySize=" + SMALL_MEMORY));
        command.addAll(Processes.dataPlaneJvmFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.portcullis.dataplane.Main",
                "--snapshot", snapshot.toString(), "--bind", "127.0.0.1",
                "--http-port", String.valueOf(FreePorts.next()), "--https-port", String.valueOf(httpsPort),
                "--admin-port", String.valueOf(adminPort)));
        dataPlane = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("dataplane.log").toFile())
                .start();
        HttpClient admin = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        client = TestClients.trusting(CA);
    }

    @AfterAll
    static void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.destroy();
            dataPlane.waitFor();
            System.out.println("data plane log:\n" + Files.readString(directory.resolve("dataplane.log")));
        }
        backend.close();
        h2cPod.close();
    }

    @Test
    void uploadsStreamToTheEndpoint() throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        HttpRequest upload = HttpRequest.newBuilder(URI.create("https://app.example.test:" + httpsPort + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(BODY_BYTES, sent::update)))
                .build();
        HttpResponse<String> response = client.send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ProxyBehaviourTest.field(response.body(), "body-bytes")).isEqualTo(String.valueOf(BODY_BYTES));
        assertThat(ProxyBehaviourTest.field(response.body(), "body-sha256")).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }

    @Test
    void uploadsStreamToAnH2cPod() throws Exception {
        CRC32 sent = new CRC32();
        HttpRequest upload = HttpRequest.newBuilder(URI.create("https://h2c.example.test:" + httpsPort + "/crc32"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(BODY_BYTES, sent::update)))
                .build();
        HttpResponse<String> response = client.send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("bytes: " + BODY_BYTES + "\ncrc32: " + Long.toHexString(sent.getValue()) + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example.test", "h2c.example.test"})
    void downloadsStreamToTheClient(String host) throws Exception {
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(URI.create("https://" + host + ":" + httpsPort + "/bytes/" + BODY_BYTES)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long position = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = response.body()) {
            int read;
            while ((read = body.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] != (byte) ((position + i) % 251)) {
                        throw new AssertionError("byte " + (position + i) + " is wrong");
                    }
                }
                position += read;
            }
        }
        assertThat(position).isEqualTo(BODY_BYTES);
    }

    /** The bytes {@code i % 251}, hashed as they are handed out. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private final Checksum digest;
        private long position;

        /** Sums what it hands out (a MessageDigest's or a CRC32's update). */
        interface Checksum {
            void update(byte[] bytes, int offset, int length);
        }

        PatternStream(long size, Checksum digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= size) {
                return -1;
            }
            int count = (int) Math.min(length, size - position);
            for (int i = 0; i < count; i++) {
                buffer[offset + i] = (byte) ((position + i) % 251);
            }
            digest.update(buffer, offset, count);
            position += count;
            return count;
        }

        @Override
        public void close() throws IOException {
            // nothing to release
        }
    }
}
