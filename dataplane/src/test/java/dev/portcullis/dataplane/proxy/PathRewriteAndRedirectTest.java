package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pod receives and what the client is answered, through real sockets, for the route
 * actions ingress-nginx users write as annotations: rewrite-target with capture groups,
 * x-forwarded-prefix, app-root, permanent-redirect and temporal-redirect.
 */
class PathRewriteAndRedirectTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("rewrite CA", KeyType.EC_P256);
    private static EchoBackend app;
    private static EchoBackend other;
    private static TestDataPlane dataPlane;
    private static final HttpClient CLIENT = HttpClient.newHttpClient(); // follows no redirect

    @BeforeAll
    static void start() throws Exception {
        app = EchoBackend.start("app", "127.0.0.1", 0);
        other = EchoBackend.start("other", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(
                plainHost("rewrite.example.test",
                        new Route(PathMatch.regex("(?i)/something(/|$)(.*)"), "app", "/$2", "/something", null, null),
                        new Route(PathMatch.regex("(?i)/query(/|$)(.*)"), "app", "/q?from=ingress", null, null, null),
                        new Route(PathMatch.regex("(?i)/"), "other")),
                plainHost("approot.example.test", new Route(PathMatch.prefix("/"), "app", null, null, null, "/app1")),
                plainHost("moved.example.test", new Route(PathMatch.prefix("/"), "app", null, null,
                        new Route.Redirect(301, "https://new.example.org$request_uri"), null)),
                plainHost("temporal.example.test", new Route(PathMatch.prefix("/"), "app", null, null,
                        new Route.Redirect(307, "https://maintenance.example.org/"), null)),
                plainHost("plain.example.test", prefix("/", "app")),
                new VirtualHost("app.example.test", TlsMode.TERMINATE, "app", List.of(
                        new Route(PathMatch.regex("(?i)/api(/|$)(.*)"), "app", "/v2/$2", "/api", null, null)), true)),
                List.of(new Cluster("app", endpoints(List.of(app))), new Cluster("other", endpoints(List.of(other)))),
                List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))), null));
    }

    private static VirtualHost plainHost(String name, Route... routes) {
        return new VirtualHost(name, TlsMode.TERMINATE, null, List.of(routes), false);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        app.close();
        other.close();
    }

    @Test
    void thePodReceivesTheRewrittenPathWithTheCapturedGroups() throws Exception {
        assertThat(get("rewrite.example.test", "/something").body()).contains("backend: app", "request: GET / HTTP/1.1");
        assertThat(get("rewrite.example.test", "/something/").body()).contains("request: GET / HTTP/1.1");
        assertThat(get("rewrite.example.test", "/something/new?x=1").body()).contains("request: GET /new?x=1 HTTP/1.1");
        assertThat(get("rewrite.example.test", "/SOMETHING/new").body()).contains("request: GET /new HTTP/1.1");
    }

    /** The rewrite applies to the normalised path: dot segments are gone before the pattern sees it. */
    @Test
    void theRewriteAppliesAfterNormalisation() throws Exception {
        assertThat(raw("rewrite.example.test", "/other/../something/a/%2e%2e/b"))
                .contains("backend: app", "request: GET /b HTTP/1.1");
    }

    @Test
    void aQueryInTheTargetComesBeforeTheRequestsOwn() throws Exception {
        assertThat(get("rewrite.example.test", "/query/x?a=1").body()).contains("request: GET /q?from=ingress&a=1 HTTP/1.1");
    }

    @Test
    void xForwardedPrefixIsSentToThePodOfItsRouteOnly() throws Exception {
        String body = get("rewrite.example.test", "/something/new").body();
        assertThat(body).contains("  x-forwarded-prefix: /something\n");
        String unrelated = get("rewrite.example.test", "/elsewhere").body();
        assertThat(unrelated).contains("backend: other", "request: GET /elsewhere HTTP/1.1").doesNotContain("x-forwarded-prefix");
    }

    @Test
    void appRootRedirectsOnlyTheRootWith302() throws Exception {
        HttpResponse<String> root = get("approot.example.test", "/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("location")).hasValue("http://approot.example.test:" + dataPlane.httpPort() + "/app1");
        assertThat(get("approot.example.test", "/app1").body()).contains("backend: app", "request: GET /app1 HTTP/1.1");
    }

    @Test
    void permanentRedirectCarriesItsCodeAndTheRequestUri() throws Exception {
        HttpResponse<String> moved = get("moved.example.test", "/a/b?c=d");
        assertThat(moved.statusCode()).isEqualTo(301);
        assertThat(moved.headers().firstValue("location")).hasValue("https://new.example.org/a/b?c=d");
    }

    @Test
    void temporalRedirectCarriesItsCode() throws Exception {
        HttpResponse<String> temporal = get("temporal.example.test", "/anything");
        assertThat(temporal.statusCode()).isEqualTo(307);
        assertThat(temporal.headers().firstValue("location")).hasValue("https://maintenance.example.org/");
    }

    /** A redirected request's body is read and dropped; the connection then carries the next request. */
    @Test
    void aRedirectedRequestWithABodyKeepsTheConnectionForTheNext() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dataPlane.httpPort())) {
            var out = socket.getOutputStream();
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            out.write(("POST /form HTTP/1.1\r\nHost: temporal.example.test\r\nContent-Length: 11\r\n\r\nhello=world")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 307 ").contains("location: https://maintenance.example.org/");
            out.write("GET /x HTTP/1.1\r\nHost: plain.example.test\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 ").contains("request: GET /x HTTP/1.1");
        }
    }

    /** One response with a Content-Length body, header names lower-cased. */
    private static String readResponse(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            head.append(head.isEmpty() ? line : lower).append('\n');
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return head + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** An HTTP/2 stream's :path is rewritten like an HTTP/1.1 target; the pod (HTTP/1.1) gets the new one. */
    @Test
    void anHttp2RequestIsRewrittenToo() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TestClients.sslContextTrusting(CA)).build();
        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/API/users?id=7"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).contains("request: GET /v2/users?id=7 HTTP/1.1", "  x-forwarded-prefix: /api\n");
    }

    @Test
    void routesWithoutActionsAreForwardedAsTheyCame() throws Exception {
        HttpResponse<String> plain = get("plain.example.test", "/x?y=z");
        assertThat(plain.body()).contains("request: GET /x?y=z HTTP/1.1").doesNotContain("x-forwarded-prefix");
    }

    private static HttpResponse<String> get(String host, String target) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(dataPlane.http(host, target)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The whole answer to a request-target sent byte for byte (an HTTP client would resolve its dot segments). */
    private static String raw(String host, String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dataPlane.httpPort())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
