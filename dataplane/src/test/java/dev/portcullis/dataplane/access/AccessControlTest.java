package dev.portcullis.dataplane.access;

import dev.portcullis.dataplane.config.AccessRules;
import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.RawTlsClient;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Source ranges and rate limits through real sockets: clients bound to different loopback source
 * addresses (127.0.0.2, 127.0.0.3...) over plain HTTP/1.1, HTTPS with HTTP/2 (the JDK client), and
 * TLS passthrough; the pods are real servers on 127.0.0.1.
 */
class AccessControlTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("access CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("access pod CA", KeyType.EC_P256);

    private static ScriptedPod app;
    private static EchoBackend passPod;
    private static TestDataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        app = ScriptedPod.start("app");
        IssuedCertificate podCertificate = POD_CA.issueServer(List.of("secure.example.test"), KeyType.EC_P256);
        passPod = EchoBackend.start("pass-pod", "127.0.0.1", 0,
                SslContextBuilder.forServer(podCertificate.privateKey(), podCertificate.chain()).build(), false);
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(
                host("allowed.example.test", new AccessRules(List.of("127.0.0.2/32"), List.of(), null, null)),
                host("denied.example.test", new AccessRules(List.of("127.0.0.0/8"), List.of("127.0.0.3/32"), null, null)),
                host("limited.example.test", new AccessRules(List.of(), List.of(),
                        new AccessRules.RateLimit("default/limited", 0, 1, 2, 0, List.of()), null)),
                host("exempt.example.test", new AccessRules(List.of(), List.of(),
                        new AccessRules.RateLimit("default/exempt", 0, 1, 1, 0, List.of("127.0.0.6/32")), null)),
                host("busy.example.test", new AccessRules(List.of(), List.of(),
                        new AccessRules.RateLimit("default/busy", 0, 0, 1, 1, List.of()), null)),
                new VirtualHost("app.example.test", TlsMode.TERMINATE, "app", List.of(new Route(PathMatch.prefix("/"), "app",
                        null, null, null, null, null, null, null, null, null,
                        new AccessRules(List.of("127.0.0.2/32", "::1/128"), List.of(), null, null))), false),
                new VirtualHost("secure.example.test", TlsMode.PASSTHROUGH, null, List.of(new Route(PathMatch.prefix("/"), "pass")),
                        false, null, null, null, AccessRules.sourceRanges(List.of("127.0.0.2/32"), List.of()))),
                List.of(new Cluster("app", List.of(Endpoint.ready("127.0.0.1", app.port()))),
                        new Cluster("pass", BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("127.0.0.1", passPod.address().getPort())),
                                0, 0, null, ProxyProtocol.OFF)),
                List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))), null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        app.close();
        passPod.close();
    }

    private static VirtualHost host(String name, AccessRules rules) {
        return new VirtualHost(name, TlsMode.TERMINATE, null, List.of(new Route(PathMatch.prefix("/"), "app", null, null, null,
                null, null, null, null, null, null, rules)), false);
    }

    @Test
    void anAllowListLetsInOnlyItsAddresses() throws Exception {
        assertThat(get("127.0.0.2", "allowed.example.test")).startsWith("HTTP/1.1 200");
        app.next();
        String refused = get("127.0.0.3", "allowed.example.test");
        assertThat(refused).startsWith("HTTP/1.1 403").contains("your address may not use this route");
        assertThat(app.idle()).isTrue(); // the pod never saw it
    }

    @Test
    void denyWinsOverAllow() throws Exception {
        assertThat(get("127.0.0.2", "denied.example.test")).startsWith("HTTP/1.1 200");
        app.next();
        assertThat(get("127.0.0.3", "denied.example.test")).startsWith("HTTP/1.1 403");
        assertThat(app.idle()).isTrue();
    }

    @Test
    void theBurstPassesThenTheClientGets429WithRetryAfterAndOthersAreNotCounted() throws Exception {
        // limit-rpm 1 with multiplier 2: 1 * 2 + 1 = 3 requests at once, then one a minute.
        for (int i = 0; i < 3; i++) {
            assertThat(get("127.0.0.4", "limited.example.test")).as("request %d", i + 1).startsWith("HTTP/1.1 200");
            app.next();
        }
        String limited = get("127.0.0.4", "limited.example.test");
        assertThat(limited).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after: ");
        int retryAfter = Integer.parseInt(limited.lines().filter(line -> line.toLowerCase().startsWith("retry-after: "))
                .findFirst().orElseThrow().substring(13).trim());
        assertThat(retryAfter).isBetween(1, 60);
        assertThat(get("127.0.0.5", "limited.example.test")).startsWith("HTTP/1.1 200"); // another address
        app.next();
        assertThat(app.idle()).isTrue();
    }

    @Test
    void anExemptAddressIsNotLimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get("127.0.0.6", "exempt.example.test")).startsWith("HTTP/1.1 200");
            app.next();
        }
        assertThat(get("127.0.0.7", "exempt.example.test")).startsWith("HTTP/1.1 200");
        app.next();
        assertThat(get("127.0.0.7", "exempt.example.test")).startsWith("HTTP/1.1 200");
        app.next();
        assertThat(get("127.0.0.7", "exempt.example.test")).startsWith("HTTP/1.1 429");
    }

    @Test
    void limitConnectionsCountsRequestsInProgressAndFreesThemWhenDone() throws Exception {
        try (Socket first = bound("127.0.0.8")) {
            OutputStream out = first.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: busy.example.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = first.getInputStream();
            // The 100 comes once the request is admitted (counted in progress) and forwarded.
            assertThat(readLine(in)).startsWith("HTTP/1.1 100");
            String second = get("127.0.0.8", "busy.example.test");
            assertThat(second).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after: 1");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("HTTP/1.1 200");
            assertThat(app.next().bodyBytes()).isEqualTo(5);
        }
        assertThat(get("127.0.0.8", "busy.example.test")).startsWith("HTTP/1.1 200");
        app.next();
    }

    @org.junit.jupiter.api.BeforeEach
    void noRequestLeftOver() throws Exception {
        while (!app.idle()) {
            app.next();
        }
    }

    @Test
    void sourceRangesApplyToHttp2RequestsOverTls() throws Exception {
        HttpResponse<String> allowed = h2From("127.0.0.2").send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/x"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.version()).isEqualTo(HttpClient.Version.HTTP_2);
        app.next();
        HttpResponse<String> refused = h2From("127.0.0.3").send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/x"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(app.idle()).isTrue();
    }

    @Test
    void aPassthroughHostClosesConnectionsFromOutsideItsRangesBeforeAnyPod() throws Exception {
        RawTlsClient.Response allowed = RawTlsClient.get(TestClients.sslContextTrusting(POD_CA), bound("127.0.0.2", dataPlane.httpsPort()),
                "secure.example.test", "/who");
        assertThat(allowed.text()).startsWith("HTTP/1.1 200").contains("pass-pod");
        assertThatThrownBy(() -> RawTlsClient.get(TestClients.sslContextTrusting(POD_CA), bound("127.0.0.3", dataPlane.httpsPort()),
                "secure.example.test", "/who")).isInstanceOfAny(SSLException.class, SocketException.class);
    }

    private static HttpClient h2From(String source) throws IOException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).localAddress(InetAddress.getByName(source))
                .sslContext(TestClients.sslContextTrusting(CA)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static Socket bound(String source) throws IOException {
        return bound(source, dataPlane.httpPort());
    }

    private static Socket bound(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** One GET from the source address; the whole answer (head and body) as text. */
    private static String get(String source, String host) throws IOException {
        try (Socket socket = bound(source)) {
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
