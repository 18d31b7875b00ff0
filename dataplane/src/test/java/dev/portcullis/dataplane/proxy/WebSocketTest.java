package dev.portcullis.dataplane.proxy;

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
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.testsupport.WebSocketEchoPod;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSockets through the proxy with the JDK's client: terminated (a plain pod) and re-encrypted
 * (a TLS pod verified by its CA). Text, a 1 MiB binary message, ping and close cross both ways.
 */
class WebSocketTest {

    private static final CertificateAuthority EDGE_CA = CertificateAuthority.create("edge CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("pod CA", KeyType.EC_P256);

    private static WebSocketEchoPod plainPod;
    private static WebSocketEchoPod tlsPod;
    private static EchoBackend httpPod;
    private static TestDataPlane dataPlane;
    private static HttpClient client;

    @BeforeAll
    @Timeout(60)
    static void start() throws Exception {
        plainPod = WebSocketEchoPod.start(null);
        IssuedCertificate podCertificate = POD_CA.issueServer(List.of("ws.internal"), KeyType.EC_P256);
        tlsPod = WebSocketEchoPod.start(SslContextBuilder.forServer(podCertificate.privateKey(), podCertificate.chain()).build());
        httpPod = EchoBackend.start("http-pod", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "edge",
                                List.of(new Route(PathMatch.prefix("/ws"), "plain"), new Route(PathMatch.prefix("/"), "http")), false),
                        new VirtualHost("api.example.test", TlsMode.REENCRYPT, "edge",
                                List.of(new Route(PathMatch.prefix("/"), "tls")), false)),
                List.of(new Cluster("plain", List.of(endpoint(plainPod))),
                        new Cluster("http", endpoints(List.of(httpPod))),
                        new Cluster("tls", BalancePolicy.ROUND_ROBIN, List.of(endpoint(tlsPod)), 0, 0,
                                new UpstreamTls("ws.internal", POD_CA.certificatePem(), true, null), ProxyProtocol.OFF)),
                List.of(certificate("edge", EDGE_CA.issueServer(List.of("app.example.test", "api.example.test"), KeyType.EC_P256))),
                null));
        client = TestClients.trusting(EDGE_CA);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        plainPod.close();
        tlsPod.close();
        httpPod.close();
    }

    private static Endpoint endpoint(WebSocketEchoPod pod) {
        return new Endpoint("127.0.0.1", pod.address().getPort(), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example.test", "api.example.test"})
    void textBinaryPingAndCloseCrossTheProxy(String host) throws Exception {
        Messages messages = new Messages();
        WebSocket socket = client.newWebSocketBuilder()
                .buildAsync(URI.create("wss://" + host + ":" + dataPlane.httpsPort() + "/ws"), messages)
                .get(10, TimeUnit.SECONDS);

        socket.sendText("hello through the edge", true).get(10, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("text:hello through the edge");

        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        socket.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("binary:" + java.util.Arrays.hashCode(big) + "/" + big.length);

        socket.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("pong:are you there");

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("close:1000");
        await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> dataPlane.server().metrics().scrape().contains("portcullis_upgraded_connections_open 0.0"));
        assertThat(dataPlane.server().metrics().scrape()).contains("portcullis_upgrades_total{protocol=\"websocket\"}");
    }

    @Test
    void aPodThatDeclinesTheUpgradeAnswersAsPlainHttp() throws Exception {
        // The echo pod answers every request 200: the WebSocket handshake fails, the client learns why.
        CompletableFuture<WebSocket> refused = client.newWebSocketBuilder()
                .buildAsync(URI.create("wss://app.example.test:" + dataPlane.httpsPort() + "/chat"), new Messages());
        assertThat(refused).failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableThat().havingRootCause().withMessageContaining("status code 200");
        HttpResponse<String> plain = client.send(java.net.http.HttpRequest.newBuilder(
                URI.create("https://app.example.test:" + dataPlane.httpsPort() + "/after")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
    }

    /** What the client hears, one line per message, in order. */
    private static final class Messages implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        String next() throws InterruptedException {
            String message = heard.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isNotNull();
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                heard.add("text:" + text);
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                byte[] whole = binary.toByteArray();
                heard.add("binary:" + java.util.Arrays.hashCode(whole) + "/" + whole.length);
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            heard.add("pong:" + StandardCharsets.UTF_8.decode(message));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            heard.add("close:" + statusCode);
            return null;
        }
    }
}
