package dev.portcullis.dataplane.upstream;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.config.UpstreamTls;
import dev.portcullis.dataplane.testsupport.Http2Pod;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.zip.CRC32;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies of many windows' worth (32 MiB) through HTTP/2 upstream streams, both ways, from h2c and
 * h2 pods to HTTP/2 and HTTP/1.1 clients. Flow control that returns window late, or whose
 * WINDOW_UPDATEs wait for some unrelated flush, leaves such a body crawling: the timeout, well
 * above what a working proxy needs, is what catches that (durations are logged, never asserted).
 */
class H2UpstreamThroughputTest {

    private static final int BODY_BYTES = 32 * 1024 * 1024;
    private static final CertificateAuthority EDGE_CA = CertificateAuthority.create("h2 throughput edge CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("h2 throughput pod CA", KeyType.EC_P256);
    private static final Logger LOG = LoggerFactory.getLogger(H2UpstreamThroughputTest.class);

    private static Http2Pod h2cPod;
    private static Http2Pod tlsPod;
    private static TestDataPlane dataPlane;
    private static HttpClient h2Client;
    private static HttpClient h1Client;

    @BeforeAll
    static void start() throws Exception {
        IssuedCertificate podCertificate = POD_CA.issueServer(List.of("h2.internal"), KeyType.EC_P256);
        h2cPod = Http2Pod.start(null, 100);
        tlsPod = Http2Pod.start(SslContextBuilder.forServer(podCertificate.privateKey(), podCertificate.chain())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build(), 100);
        UpstreamTls verified = new UpstreamTls("h2.internal", POD_CA.certificatePem(), true, null);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("h2c.example.test", "edge", prefix("/", "h2c")),
                        host("h2.example.test", "edge", prefix("/", "h2"))),
                List.of(cluster("h2c", h2cPod.address(), null), cluster("h2", tlsPod.address(), verified)),
                List.of(certificate("edge", EDGE_CA.issueServer(List.of("*.example.test"), KeyType.EC_P256))),
                null));
        h2Client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TestClients.sslContextTrusting(EDGE_CA)).build();
        h1Client = TestClients.trusting(EDGE_CA);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        h2cPod.close();
        tlsPod.close();
    }

    private static Cluster cluster(String name, InetSocketAddress pod, UpstreamTls tls) {
        return new Cluster(name, BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("127.0.0.1", pod.getPort())), 0, 0,
                tls, ProxyProtocol.OFF, UpstreamProtocol.HTTP_2);
    }

    private HttpClient client(String version) {
        return version.equals("h2") ? h2Client : h1Client;
    }

    @ParameterizedTest(name = "{0} pod to {1} client")
    @CsvSource({"h2c, h2", "h2c, h1", "h2, h2"})
    @Timeout(120)
    void aLargeDownloadArrivesWhole(String pod, String clientVersion) throws Exception {
        long started = System.nanoTime();
        HttpResponse<InputStream> response = client(clientVersion).send(HttpRequest.newBuilder(
                dataPlane.https(pod + ".example.test", "/bytes/" + BODY_BYTES)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        CRC32 received = new CRC32();
        long bytes = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[65536];
            for (int n; (n = body.read(buffer)) > 0; bytes += n) {
                received.update(buffer, 0, n);
            }
        }
        logThroughput("download from " + pod + " pod to " + clientVersion + " client", bytes, started);
        assertThat(bytes).isEqualTo(BODY_BYTES);
        assertThat(received.getValue()).isEqualTo(crc32(patterned(BODY_BYTES)));
    }

    @ParameterizedTest(name = "{1} client to {0} pod")
    @CsvSource({"h2c, h2", "h2c, h1", "h2, h2"})
    @Timeout(120)
    void aLargeUploadArrivesWhole(String pod, String clientVersion) throws Exception {
        byte[] upload = patterned(BODY_BYTES);
        long started = System.nanoTime();
        HttpResponse<String> response = client(clientVersion).send(HttpRequest.newBuilder(
                        dataPlane.https(pod + ".example.test", "/crc32")).POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                HttpResponse.BodyHandlers.ofString());
        logThroughput("upload from " + clientVersion + " client to " + pod + " pod", BODY_BYTES, started);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("bytes: " + BODY_BYTES + "\ncrc32: " + Long.toHexString(crc32(upload)) + "\n");
    }

    /** The pod's {@code /bytes/N} pattern. */
    private static byte[] patterned(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    private static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static void logThroughput(String what, long bytes, long startedNanos) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        LOG.info("{}: {} bytes in {} s, {} MiB/s", what, bytes, String.format("%.2f", seconds),
                String.format("%.1f", bytes / seconds / (1024 * 1024)));
    }
}
