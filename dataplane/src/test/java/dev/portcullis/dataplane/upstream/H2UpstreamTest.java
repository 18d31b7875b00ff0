package dev.portcullis.dataplane.upstream;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.UpstreamProtocol;
import dev.portcullis.dataplane.config.UpstreamTls;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.Http2Pod;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 to pods that speak only HTTP/2 (backend-protocol H2C and H2): HTTP/2 and HTTP/1.1
 * clients alike, bodies and trailers both ways, the pod's stream limit, and ALPN enforced.
 */
class H2UpstreamTest {

    private static final CertificateAuthority EDGE_CA = CertificateAuthority.create("h2 edge CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("h2 pod CA", KeyType.EC_P256);

    private static Http2Pod h2cPod;
    private static Http2Pod tlsPod;
    private static Http2Pod limitedPod;
    private static Http2Pod endingPod;
    private static Http2Pod refusingPod;
    private static EchoBackend http11TlsPod;
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
        limitedPod = Http2Pod.start(null, 2);
        endingPod = Http2Pod.start(null, 100);
        refusingPod = Http2Pod.start(null, 100);
        SslContext http11Only = SslContextBuilder.forServer(podCertificate.privateKey(), podCertificate.chain()).build();
        http11TlsPod = EchoBackend.start("http11-pod", "127.0.0.1", 0, http11Only, false);
        UpstreamTls verified = new UpstreamTls("h2.internal", POD_CA.certificatePem(), true, null);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("h2c.example.test", "edge", prefix("/", "h2c")),
                        host("h2.example.test", "edge", prefix("/", "h2")),
                        host("limited.example.test", "edge", prefix("/", "limited")),
                        host("no-alpn.example.test", "edge", prefix("/", "no-alpn")),
                        host("ending.example.test", "edge", prefix("/", "ending")),
                        host("refusing.example.test", "edge", prefix("/", "refusing"))),
                List.of(cluster("h2c", h2cPod.address(), null),
                        cluster("h2", tlsPod.address(), verified),
                        cluster("limited", limitedPod.address(), null),
                        cluster("no-alpn", http11TlsPod.address(), verified),
                        cluster("ending", endingPod.address(), null),
                        cluster("refusing", refusingPod.address(), null)),
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
        limitedPod.close();
        endingPod.close();
        refusingPod.close();
        http11TlsPod.close();
    }

    private static Cluster cluster(String name, InetSocketAddress pod, UpstreamTls tls) {
        return new Cluster(name, BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("127.0.0.1", pod.getPort())), 0, 0,
                tls, ProxyProtocol.OFF, UpstreamProtocol.HTTP_2);
    }

    @Test
    void anHttp2ClientReachesAnH2cPod() throws Exception {
        HttpResponse<String> response = h2Client.send(HttpRequest.newBuilder(dataPlane.https("h2c.example.test", "/echo?x=1"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-pod")).contains("h2");
        assertThat(response.body()).contains("protocol: h2", "request: GET /echo?x=1", "x-forwarded-proto: https",
                "x-forwarded-for: 127.0.0.1").doesNotContain("x-http2-");
    }

    @Test
    void anHttp11ClientReachesAnH2cPodWithABody() throws Exception {
        byte[] upload = new byte[1024 * 1024 + 5];
        HttpResponse<String> response = h1Client.send(HttpRequest.newBuilder(dataPlane.https("h2c.example.test", "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("protocol: h2", "request: POST /echo", "body-bytes: " + upload.length);
        assertThat(response.headers().map()).doesNotContainKeys("x-http2-stream-id");
    }

    @Test
    void largeResponsesFlowThroughTheStreamWindowToBothKindsOfClient() throws Exception {
        for (HttpClient client : List.of(h2Client, h1Client)) {
            HttpResponse<byte[]> download = client.send(HttpRequest.newBuilder(
                    dataPlane.https("h2c.example.test", "/bytes/1000000")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).hasSize(1_000_000);
            for (int i = 0; i < download.body().length; i += 4099) {
                assertThat(download.body()[i]).isEqualTo((byte) (i % 251));
            }
        }
    }

    @Test
    void anH2PodIsReachedOverVerifiedTlsWithAlpn() throws Exception {
        HttpResponse<String> response = h2Client.send(HttpRequest.newBuilder(dataPlane.https("h2.example.test", "/echo"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("protocol: h2", "x-forwarded-proto: https");
    }

    @Test
    void aTlsPodThatDoesNotChooseH2ByAlpnIsABadGateway() throws Exception {
        HttpResponse<String> response = h2Client.send(HttpRequest.newBuilder(dataPlane.https("no-alpn.example.test", "/echo"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(502);
    }

    @Test
    void trailersGoBothWaysAndTeTrailersReachesThePod() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", dataPlane.httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: h2c.example.test\r\nTE: trailers\r\nConnection: TE, close\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nx-client-trailer: yes\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked")
                    .contains("te: trailers\n", "body-bytes: 5\n", "request-trailer x-client-trailer: yes\n")
                    .endsWith("0\r\nx-pod-trailer: done\r\n\r\n");
        }
    }

    @ParameterizedTest(name = "after {0}, the next requests go on a new connection")
    @ValueSource(strings = {"/goaway", "/close"})
    void aConnectionThePodEndsIsReplaced(String ending) throws Exception {
        HttpResponse<String> last = h1Client.send(HttpRequest.newBuilder(dataPlane.https("ending.example.test", ending))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(last.statusCode()).isEqualTo(200);
        int connectionsBefore = endingPod.connections();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> next = h1Client.send(HttpRequest.newBuilder(dataPlane.https("ending.example.test", "/echo"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).contains("protocol: h2");
        }
        assertThat(endingPod.connections()).as("a new connection replaced the ended one").isGreaterThan(connectionsBefore);
    }

    @Test
    void aStreamThePodRefusedUnprocessedIsSentAgainEvenAPost() throws Exception {
        int before = refusingPod.requests();
        HttpResponse<String> response = h1Client.send(HttpRequest.newBuilder(dataPlane.https("refusing.example.test",
                "/refuse-once/post")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("request: POST /refuse-once/post");
        assertThat(refusingPod.requests() - before).as("refused once, then served").isEqualTo(2);
    }

    @Test
    void aRefusedPostWithABodyIsNotSentAgain() throws Exception {
        int before = refusingPod.requests();
        HttpResponse<String> response = h1Client.send(HttpRequest.newBuilder(dataPlane.https("refusing.example.test",
                "/refuse-once/with-body")).POST(HttpRequest.BodyPublishers.ofString("payload")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("the body was streamed on and is gone").isEqualTo(502);
        assertThat(refusingPod.requests() - before).isEqualTo(1);
    }

    @Test
    void thePodsStreamLimitOpensMoreConnectionsInsteadOfQueueingForever() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add(h2Client.sendAsync(HttpRequest.newBuilder(dataPlane.https("limited.example.test", "/hold/" + i))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        // All six reach the pod at once although it takes two streams per connection.
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> limitedPod.held() == 6);
        assertThat(limitedPod.mostHeldOnOneConnection()).isLessThanOrEqualTo(2);
        assertThat(limitedPod.connections()).isGreaterThanOrEqualTo(3);
        limitedPod.release();
        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<String> response = responses.get(i).get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("held /hold/" + i + "\n");
        }
    }
}
