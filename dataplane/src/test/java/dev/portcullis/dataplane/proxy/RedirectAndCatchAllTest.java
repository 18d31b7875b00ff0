package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
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
import static dev.portcullis.dataplane.testsupport.Snapshots.exact;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

class RedirectAndCatchAllTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("redirect CA", KeyType.EC_P256);
    private static EchoBackend secure;
    private static EchoBackend solver;
    private static EchoBackend fallback;
    private static TestDataPlane dataPlane;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        secure = EchoBackend.start("secure", "127.0.0.1", 0);
        solver = EchoBackend.start("acme-solver", "127.0.0.1", 0);
        fallback = EchoBackend.start("fallback", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "app", List.of(prefix("/", "secure"),
                                exact("/.well-known/acme-challenge/token123", "solver"),
                                prefix("/.well-known/acme-challenge/prefix-token", "solver")), true),
                        new VirtualHost("plain.example.test", TlsMode.TERMINATE, null, List.of(prefix("/", "secure")), false),
                        new VirtualHost(VirtualHost.ANY_HOST, TlsMode.TERMINATE, null, List.of(prefix("/", "fallback")), false)),
                List.of(new Cluster("secure", endpoints(List.of(secure))), new Cluster("solver", endpoints(List.of(solver))),
                        new Cluster("fallback", endpoints(List.of(fallback)))),
                List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))),
                null));
        client = TestClients.trusting(CA);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        secure.close();
        solver.close();
        fallback.close();
    }

    @Test
    void plainRequestsToTlsHostsAreRedirectedKeepingPathAndQuery() throws Exception {
        HttpResponse<String> response = send(dataPlane.http("app.example.test", "/cart/items?id=7&x=%20y"), "POST");
        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("location")).hasValue(
                "https://app.example.test:" + dataPlane.httpsPort() + "/cart/items?id=7&x=%20y");
        assertThat(send(dataPlane.https("app.example.test", "/cart"), "GET").statusCode()).isEqualTo(200);
    }

    @Test
    void acmeChallengeRoutesAreServedOnPlainHttpWithoutRedirect() throws Exception {
        HttpResponse<String> exact = send(dataPlane.http("app.example.test", "/.well-known/acme-challenge/token123"), "GET");
        assertThat(exact.statusCode()).isEqualTo(200);
        assertThat(exact.body()).contains("backend: acme-solver", "GET /.well-known/acme-challenge/token123 ");
        HttpResponse<String> prefix = send(dataPlane.http("app.example.test", "/.well-known/acme-challenge/prefix-token"), "GET");
        assertThat(prefix.statusCode()).isEqualTo(200);
        assertThat(prefix.body()).contains("backend: acme-solver");
    }

    /**
     * Only a challenge route is exempt, as ingress-nginx exempts only locations under
     * /.well-known/acme-challenge: a path that merely looks like a challenge but is routed to the
     * application keeps the redirect, so plain HTTP never reaches the application's own routes.
     */
    @Test
    void challengeLookingPathsRoutedToTheApplicationAreRedirected() throws Exception {
        HttpResponse<String> otherToken = send(dataPlane.http("app.example.test", "/.well-known/acme-challenge/other-token"), "GET");
        assertThat(otherToken.statusCode()).isEqualTo(308);
        assertThat(otherToken.headers().firstValue("location")).hasValue(
                "https://app.example.test:" + dataPlane.httpsPort() + "/.well-known/acme-challenge/other-token");
        assertThat(rawStatusLine("/.well-known/acme-challenge/../admin")).startsWith("HTTP/1.1 308");
        assertThat(rawStatusLine("/.well-known/acme-challenge/token123/../../admin")).startsWith("HTTP/1.1 308");
    }

    @Test
    void hostsWithoutRedirectAreServedOnPlainHttp() throws Exception {
        assertThat(send(dataPlane.http("plain.example.test", "/"), "GET").body()).contains("backend: secure");
    }

    @Test
    void unknownHostsGoToTheCatchAll() throws Exception {
        assertThat(send(dataPlane.http("other.example.test", "/"), "GET").body()).contains("backend: fallback");
        assertThat(send(dataPlane.http("wild.example.test", "/any/path"), "GET").body()).contains("backend: fallback");
    }

    /** The status line for a request-target sent byte for byte (an HTTP client might resolve the dot segments). */
    private static String rawStatusLine(String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dataPlane.httpPort())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static HttpResponse<String> send(java.net.URI uri, String method) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).method(method, method.equals("POST")
                ? HttpRequest.BodyPublishers.ofString("a=b") : HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
