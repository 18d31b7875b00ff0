package dev.portcullis.dataplane.passthrough;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.UpstreamTls;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.testsupport.SlowForwarder;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Terminate, passthrough and re-encrypt on one TLS port, against real TLS "pods" on 127.0.0.1
 * with certificates from their own CA.
 */
class TlsModesTest {

    private static final CertificateAuthority EDGE_CA = CertificateAuthority.create("edge CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("pod CA", KeyType.EC_P256);
    private static final CertificateAuthority CLIENT_CA = CertificateAuthority.create("proxy client CA", KeyType.EC_P256);
    private static final CertificateAuthority STRANGER_CA = CertificateAuthority.create("stranger CA", KeyType.EC_P256);

    @TempDir
    static Path directory;
    private static final List<EchoBackend> PODS = new ArrayList<>();
    private static EchoBackend plain;
    private static TestDataPlane dataPlane;
    private static HttpClient edgeClient;
    private static SSLContext trustsPods;
    private static SSLContext trustsEdge;

    @BeforeAll
    static void start() throws Exception {
        plain = EchoBackend.start("plain-pod", "127.0.0.1", 0);
        EchoBackend passPod = pod("pass-pod", POD_CA.issueServer(List.of("secure.example.test"), KeyType.EC_P256), false, true);
        EchoBackend v1Pod = pod("v1-pod", POD_CA.issueServer(List.of("v1.example.test"), KeyType.RSA_2048), false, true);
        EchoBackend wildPod = pod("wild-pod", POD_CA.issueServer(List.of("*.wild.example.test"), KeyType.EC_P256), false, false);
        EchoBackend reencPod = pod("reenc-pod", POD_CA.issueServer(List.of("reenc.internal"), KeyType.EC_P256), false, false);
        EchoBackend mtlsPod = pod("mtls-pod", POD_CA.issueServer(List.of("mtls.internal"), KeyType.EC_P256), true, false);
        EchoBackend wrongNamePod = pod("wrong-name-pod", POD_CA.issueServer(List.of("other.internal"), KeyType.EC_P256), false, false);
        EchoBackend strangerPod = pod("stranger-pod", STRANGER_CA.issueServer(List.of("reenc.internal"), KeyType.EC_P256), false, false);
        IssuedCertificate proxyClient = CLIENT_CA.issue(List.of("proxy.portcullis"), KeyType.EC_P256,
                Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400), KeyPurposeId.id_kp_clientAuth);

        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", TlsMode.TERMINATE, "edge", "plain"),
                        host("secure.example.test", TlsMode.PASSTHROUGH, null, "pass"),
                        host("v1.example.test", TlsMode.PASSTHROUGH, null, "pass-v1"),
                        host("*.wild.example.test", TlsMode.PASSTHROUGH, null, "wild"),
                        host("api.example.test", TlsMode.REENCRYPT, "edge", "reenc"),
                        host("shop.example.test", TlsMode.REENCRYPT, "edge", "mtls"),
                        host("blog.example.test", TlsMode.REENCRYPT, "edge", "wrong-name"),
                        host("other.example.test", TlsMode.REENCRYPT, "edge", "stranger")),
                List.of(new Cluster("plain", endpoints(List.of(plain))),
                        cluster("pass", passPod, null, ProxyProtocol.V2),
                        cluster("pass-v1", v1Pod, null, ProxyProtocol.V1),
                        cluster("wild", wildPod, null, ProxyProtocol.OFF),
                        cluster("reenc", reencPod, new UpstreamTls("reenc.internal", POD_CA.certificatePem(), true, null), ProxyProtocol.OFF),
                        cluster("mtls", mtlsPod, new UpstreamTls("mtls.internal", POD_CA.certificatePem(), true, "proxy-client"), ProxyProtocol.OFF),
                        cluster("wrong-name", wrongNamePod, new UpstreamTls("reenc.internal", POD_CA.certificatePem(), true, null), ProxyProtocol.OFF),
                        cluster("stranger", strangerPod, new UpstreamTls("reenc.internal", POD_CA.certificatePem(), true, null), ProxyProtocol.OFF)),
                List.of(certificate("edge", EDGE_CA.issueServer(List.of("app.example.test", "api.example.test",
                                "shop.example.test", "blog.example.test", "other.example.test"), KeyType.EC_P256)),
                        certificate("proxy-client", proxyClient)),
                null));
        edgeClient = TestClients.trusting(EDGE_CA);
        trustsPods = TestClients.sslContextTrusting(POD_CA);
        trustsEdge = TestClients.sslContextTrusting(EDGE_CA);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        plain.close();
        PODS.forEach(EchoBackend::close);
    }

    private static EchoBackend pod(String name, IssuedCertificate certificate, boolean requireClientCertificate,
                                   boolean proxyProtocol) throws Exception {
        SslContextBuilder tls = SslContextBuilder.forServer(certificate.privateKey(), certificate.chain());
        if (requireClientCertificate) {
            tls.clientAuth(ClientAuth.REQUIRE).trustManager(CLIENT_CA.certificate());
        }
        SslContext context = tls.build();
        EchoBackend pod = EchoBackend.start(name, "127.0.0.1", 0, context, proxyProtocol);
        PODS.add(pod);
        return pod;
    }

    private static VirtualHost host(String name, TlsMode mode, String certificate, String cluster) {
        return new VirtualHost(name, mode, certificate, List.of(new Route(PathMatch.prefix("/"), cluster)), false);
    }

    private static Cluster cluster(String name, EchoBackend pod, UpstreamTls tls, ProxyProtocol proxyProtocol) {
        return new Cluster(name, BalancePolicy.ROUND_ROBIN,
                List.of(Endpoint.ready("127.0.0.1", pod.address().getPort())), 0, 0, tls, proxyProtocol);
    }

    @Test
    void passthroughShowsThePodsOwnCertificateToOpenssl() throws Exception {
        Path podCa = Files.writeString(directory.resolve("pod-ca.crt"), POD_CA.certificatePem());
        Processes.Result result = Processes.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + dataPlane.httpsPort(),
                "-servername", "secure.example.test", "-verify_hostname", "secure.example.test", "-CAfile", podCa.toString()), "");
        assertThat(result.stdout()).contains("subject=CN = secure.example.test").contains("issuer=CN = pod CA")
                .contains("Verify return code: 0 (ok)");
    }

    @Test
    void passthroughPodReceivesAProxyV2HeaderWithTheClientAddress() throws Exception {
        RawTlsClient.Response response = RawTlsClient.get(trustsPods, dataPlane.httpsPort(), "secure.example.test", "/who");
        assertThat(response.text()).startsWith("HTTP/1.1 200").contains("backend: pass-pod")
                .contains("proxy-header: V2 TCP4 127.0.0.1:" + response.localPort() + " -> 127.0.0.1:" + dataPlane.httpsPort());
        assertThat(response.peer().getSubjectX500Principal().getName()).isEqualTo("CN=secure.example.test");
        assertThat(dataPlane.server().metrics().scrape())
                .containsPattern("portcullis_passthrough_connections_total\\{host=\"secure.example.test\"} [1-9]");
    }

    @Test
    void passthroughPodCanAskForProxyV1() throws Exception {
        RawTlsClient.Response response = RawTlsClient.get(trustsPods, dataPlane.httpsPort(), "v1.example.test", "/");
        assertThat(response.text()).contains("proxy-header: V1 TCP4 127.0.0.1:" + response.localPort());
    }

    @Test
    void wildcardPassthroughCoversOneLabel() throws Exception {
        RawTlsClient.Response response = RawTlsClient.get(trustsPods, dataPlane.httpsPort(), "one.wild.example.test", "/");
        assertThat(response.text()).contains("backend: wild-pod").doesNotContain("proxy-header");
        Processes.Result deeper = Processes.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + dataPlane.httpsPort(),
                "-servername", "deep.one.wild.example.test"), "");
        assertThat(deeper.stdout()).contains("subject=CN = portcullis default certificate");
    }

    @Test
    void aClientHelloArrivingOneByteAtATimeStillRoutes() throws Exception {
        try (SlowForwarder slow = new SlowForwarder(dataPlane.httpsPort(), 700)) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), slow.port());
            assertThat(RawTlsClient.get(trustsPods, socket, "secure.example.test", "/slow").text()).contains("backend: pass-pod");
        }
        try (SlowForwarder slow = new SlowForwarder(dataPlane.httpsPort(), 700)) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), slow.port());
            assertThat(RawTlsClient.get(trustsEdge, socket, "app.example.test", "/slow").text()).contains("backend: plain-pod");
        }
    }

    @Test
    void reencryptsToAVerifiedPod() throws Exception {
        HttpResponse<String> response = edgeClient.send(HttpRequest.newBuilder(dataPlane.https("api.example.test", "/orders")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("backend: reenc-pod").contains("x-forwarded-proto: https")
                .contains("tls-client-certificate: none");
        assertThat(((java.security.cert.X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
                .getIssuerX500Principal().getName()).isEqualTo("CN=edge CA");
    }

    @Test
    void aPodThatRequiresAClientCertificateGetsOne() throws Exception {
        HttpResponse<String> response = edgeClient.send(HttpRequest.newBuilder(dataPlane.https("shop.example.test", "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("backend: mtls-pod").contains("tls-client-certificate: CN=proxy.portcullis");
    }

    @Test
    void aPodWithTheWrongNameOrAnUntrustedCertificateGets502() throws Exception {
        for (String host : List.of("blog.example.test", "other.example.test")) {
            HttpResponse<String> response = edgeClient.send(HttpRequest.newBuilder(dataPlane.https(host, "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(host).isEqualTo(502);
            assertThat(response.body()).contains("TLS to the endpoint failed");
        }
    }

    @Test
    void bytesThatAreNotTlsAreClosedCleanly() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpsPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: app.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(dataPlane.server().metrics().scrape()).contains("portcullis_tls_handshake_failures_total{reason=\"not_tls\"}");
    }

    @Test
    void allThreeModesAtOnceUnderConcurrentLoad() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(6);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Future<Integer>> results = new ArrayList<>();
        for (int worker = 0; worker < 6; worker++) {
            int id = worker;
            results.add(workers.submit(() -> {
                int done = 0;
                for (int i = 0; i < 40; i++) {
                    String path = "/w" + id + "/" + i;
                    switch ((id + i) % 3) {
                        case 0 -> check(failures, edgeClient.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", path)).build(),
                                HttpResponse.BodyHandlers.ofString()).body(), "plain-pod", path);
                        case 1 -> check(failures, RawTlsClient.get(trustsPods, dataPlane.httpsPort(), "secure.example.test", path).text(),
                                "pass-pod", path);
                        default -> check(failures, edgeClient.send(HttpRequest.newBuilder(dataPlane.https("api.example.test", path)).build(),
                                HttpResponse.BodyHandlers.ofString()).body(), "reenc-pod", path);
                    }
                    done++;
                }
                return done;
            }));
        }
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get(60, TimeUnit.SECONDS);
        }
        workers.shutdown();
        assertThat(failures).isEmpty();
        assertThat(total).isEqualTo(240);
    }

    private static void check(ConcurrentLinkedQueue<String> failures, String body, String backend, String path) {
        if (!body.contains("backend: " + backend) || !body.contains("request: GET " + path + " ")) {
            failures.add(backend + " " + path + ": " + body);
        }
    }

    @Test
    void aClientHelloThatNeverFinishesTimesOut() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpsPort())) {
            socket.setSoTimeout(20_000);
            // A TLS handshake record header announcing 512 bytes, then nothing.
            socket.getOutputStream().write(new byte[]{0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            socket.getOutputStream().flush();
            long started = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }
}
