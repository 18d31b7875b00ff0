package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.exact;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** Requests through the proxy to real backends on 127.0.0.1, over TLS and plain HTTP. */
class ProxyBehaviourTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("proxy test CA", KeyType.EC_P256);
    private static final List<EchoBackend> BACKENDS = new ArrayList<>();
    private static ServerSocket silentBackend;
    private static int closedPort;
    private static TestDataPlane dataPlane;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 1; i <= 3; i++) {
            BACKENDS.add(EchoBackend.start("echo-" + i, "127.0.0.1", 0));
        }
        // Accepts connections and never answers: the 504 case.
        silentBackend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closedPort = closed.getLocalPort();
        }
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", "app",
                                prefix("/", "all"),
                                prefix("/one", "first"),
                                exact("/down", "not-ready"),
                                prefix("/refused", "refused"),
                                prefix("/slow", "silent")),
                        host("plain.example.test", null, prefix("/", "all"))),
                List.of(new Cluster("all", endpoints(BACKENDS)),
                        new Cluster("first", endpoints(BACKENDS.subList(0, 1))),
                        new Cluster("not-ready", List.of(new Endpoint("127.0.0.1", BACKENDS.getFirst().address().getPort(), false))),
                        new Cluster("refused", List.of(Endpoint.ready("127.0.0.1", closedPort))),
                        new Cluster("silent", BalancePolicy.ROUND_ROBIN,
                                List.of(Endpoint.ready("127.0.0.1", silentBackend.getLocalPort())), 0, 300)),
                List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))),
                null));
        client = TestClients.trusting(CA);
    }

    @AfterAll
    static void stop() throws IOException {
        dataPlane.close();
        BACKENDS.forEach(EchoBackend::close);
        silentBackend.close();
    }

    @Test
    void requestsTakeTurnsOverTheReadyEndpoints() throws Exception {
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            served.add(field(get("app.example.test", "/rr").body(), "backend"));
        }
        int first = served.getFirst().charAt(5) - '1';
        for (int i = 0; i < served.size(); i++) {
            assertThat(served.get(i)).isEqualTo("echo-" + ((first + i) % 3 + 1));
        }
    }

    @Test
    void routesByHostThenPath() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(field(get("app.example.test", "/one/two").body(), "backend")).isEqualTo("echo-1");
        }
        HttpResponse<String> noHost = get("other.example.test", "/", dataPlane.http("other.example.test", "/"));
        assertThat(noHost.statusCode()).isEqualTo(404);
        assertThat(noHost.body()).contains("no such host");
    }

    @Test
    void answers503WhenNoEndpointIsReady() throws Exception {
        HttpResponse<String> response = get("app.example.test", "/down");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("no ready endpoint");
    }

    @Test
    void answers502WhenTheEndpointRefuses() throws Exception {
        HttpResponse<String> response = get("app.example.test", "/refused");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(dataPlane.server().metrics().scrape())
                .containsPattern("portcullis_upstream_connect_errors_total\\{cluster=\"refused\"\\} [1-9]");
    }

    @Test
    void answers504WhenTheEndpointDoesNotRespondInTime() throws Exception {
        HttpResponse<String> response = get("app.example.test", "/slow");
        assertThat(response.statusCode()).isEqualTo(504);
        // The connection stays usable for the next request.
        assertThat(get("app.example.test", "/after-timeout").statusCode()).isEqualTo(200);
    }

    @Test
    void forwardsClientAddressSchemePortAndHost() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/headers"))
                .header("X-Forwarded-For", "203.0.113.9").header("X-Forwarded-Proto", "gopher").build(),
                HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        assertThat(field(body, "x-forwarded-for")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(field(body, "x-forwarded-proto")).isEqualTo("https");
        assertThat(field(body, "x-forwarded-port")).isEqualTo(String.valueOf(dataPlane.httpsPort()));
        assertThat(field(body, "x-forwarded-host")).isEqualTo("app.example.test:" + dataPlane.httpsPort());
        assertThat(field(body, "host")).isEqualTo("app.example.test:" + dataPlane.httpsPort());
        assertThat(field(body, "x-real-ip")).isEqualTo("127.0.0.1");
        assertThat(body).doesNotContain("\n  connection:").doesNotContain("upgrade:");
    }

    @Test
    void plainHttpIsProxiedWithProtoHttp() throws Exception {
        HttpResponse<String> response = get("plain.example.test", "/", dataPlane.http("plain.example.test", "/"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(field(response.body(), "x-forwarded-proto")).isEqualTo("http");
        assertThat(field(response.body(), "x-forwarded-port")).isEqualTo(String.valueOf(dataPlane.httpPort()));
    }

    @Test
    void reusesUpstreamConnections() throws Exception {
        int highest = 0;
        for (int i = 0; i < 6; i++) {
            highest = Math.max(highest, Integer.parseInt(field(get("app.example.test", "/one").body(), "connection-request")));
        }
        assertThat(highest).isGreaterThan(1);
    }

    @Test
    void postBodiesArriveIntact() throws Exception {
        byte[] body = "name=portcullis&mode=terminate".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/one"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(field(response.body(), "body-bytes")).isEqualTo(String.valueOf(body.length));
        assertThat(field(response.body(), "request")).isEqualTo("POST /one HTTP/1.1");
    }

    @Test
    void malformedRequestsGet400AndTheConnectionCloses() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: plain.example.test\r\nContent-Length: nope\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 400 Bad Request");
        }
    }

    @Test
    void http10ClientsAreAnswered() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dataPlane.httpPort())) {
            socket.getOutputStream().write("GET /ten HTTP/1.0\r\nHost: plain.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200 OK").contains("request: GET /ten HTTP/1.1");
        }
    }

    private static HttpResponse<String> get(String host, String path) throws Exception {
        return get(host, path, dataPlane.https(host, path));
    }

    private static HttpResponse<String> get(String host, String path, java.net.URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A "name: value" line of the echo backend's answer. */
    static String field(String body, String name) {
        Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ": (.*)$").matcher(body);
        assertThat(matcher.find()).as("%s in %s", name, body).isTrue();
        return matcher.group(1);
    }
}
