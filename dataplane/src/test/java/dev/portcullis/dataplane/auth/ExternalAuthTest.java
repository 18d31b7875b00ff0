package dev.portcullis.dataplane.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.config.AccessRules;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * External authentication end to end: a real authentication service (the JDK's HTTP server on
 * 127.0.0.1, answering as oauth2-proxy's {@code /oauth2/auth} does), a real pod and the JDK's HTTP
 * client over HTTP/1.1 and HTTP/2; what the service is asked, what the pod gets and what the client sees.
 */
class ExternalAuthTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("auth CA", KeyType.EC_P256);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> COPIED = List.of("X-Auth-Request-User", "X-Auth-Request-Email");

    /** One subrequest as the service saw it. */
    record Asked(String method, String target, Map<String, String> headers, int bodyBytes) {
    }

    private static final BlockingQueue<Asked> ASKED = new LinkedBlockingQueue<>();
    private static HttpServer authService;
    private static ScriptedPod app;
    private static TestDataPlane dataPlane;
    /** An https authentication service whose certificate no platform CA issued: it must never let anyone in. */
    private static dev.portcullis.dataplane.demo.EchoBackend untrustedService;

    @BeforeAll
    static void start() throws Exception {
        authService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        authService.createContext("/", ExternalAuthTest::answer);
        authService.start();
        app = ScriptedPod.start("app");
        dev.portcullis.dataplane.tls.IssuedCertificate untrusted = CA.issueServer(List.of("127.0.0.1"), KeyType.EC_P256);
        untrustedService = dev.portcullis.dataplane.demo.EchoBackend.start("untrusted-auth", "127.0.0.1", 0,
                io.netty.handler.ssl.SslContextBuilder.forServer(untrusted.privateKey(), untrusted.chain()).build(), false);
        int port = authService.getAddress().getPort();
        String byAddress = "http://127.0.0.1:" + port + "/oauth2/auth";
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(
                host("authed.example.test", null, new AccessRules.ExternalAuth(byAddress, null, null, COPIED)),
                host("signin.example.test", null, new AccessRules.ExternalAuth("http://authsvc.example.test:" + port + "/oauth2/auth",
                        null, "https://auth.example.test/oauth2/start", COPIED)),
                host("authpost.example.test", null, new AccessRules.ExternalAuth(byAddress + "?from=portcullis", "POST", null, List.of())),
                host("authdown.example.test", null, new AccessRules.ExternalAuth("http://127.0.0.1:" + FreePorts.next() + "/", null,
                        null, List.of())),
                host("app.example.test", "app", new AccessRules.ExternalAuth(byAddress, null, null, COPIED)),
                host("authtls.example.test", null, new AccessRules.ExternalAuth("https://127.0.0.1:"
                        + untrustedService.address().getPort() + "/oauth2/auth", null, null, List.of()))),
                List.of(new Cluster("app", List.of(Endpoint.ready("127.0.0.1", app.port())))),
                List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.EC_P256))), null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        app.close();
        authService.stop(0);
        untrustedService.close();
    }

    @BeforeEach
    void nothingLeftOver() throws Exception {
        while (!app.idle()) {
            app.next();
        }
        ASKED.clear();
    }

    private static VirtualHost host(String name, String certificate, AccessRules.ExternalAuth auth) {
        return new VirtualHost(name, TlsMode.TERMINATE, certificate, List.of(new Route(PathMatch.prefix("/"), "app", null, null,
                null, null, null, null, null, null, null, new AccessRules(List.of(), List.of(), null, auth))), false);
    }

    /**
     * oauth2-proxy's answers: the verdict a test asks for in {@code X-Test-Verdict}, else 202 for a
     * request with its session cookie and 401 (clearing the cookie) without it.
     */
    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
            ASKED.add(new Asked(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body.readAllBytes().length));
            String verdict = headers.getOrDefault("x-test-verdict",
                    headers.getOrDefault("cookie", "").contains("_oauth2_proxy=valid") ? "202" : "401");
            int status = Integer.parseInt(verdict);
            if (status / 100 == 2) {
                exchange.getResponseHeaders().add("X-Auth-Request-User", "alice");
                exchange.getResponseHeaders().add("X-Auth-Request-Email", "alice@example.test");
                exchange.getResponseHeaders().add("X-Not-Copied", "secret");
            }
            if (status == 401) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"test\"");
                exchange.getResponseHeaders().add("Set-Cookie", "_oauth2_proxy_csrf=abc; Path=/; HttpOnly");
            }
            byte[] page = ("auth service says " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, page.length);
            exchange.getResponseBody().write(page);
        }
    }

    private static Asked asked() throws InterruptedException {
        Asked asked = ASKED.poll(10, TimeUnit.SECONDS);
        assertThat(asked).as("the authentication service was asked").isNotNull();
        return asked;
    }

    @Test
    void a2xxLetsTheRequestThroughWithTheNamedHeadersAndItsBody() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("authed.example.test", "/orders?page=2"))
                .header("Cookie", "session=s1").header("Authorization", "Bearer token-1")
                .header("X-Auth-Request-User", "mallory").header("X-Test-Verdict", "200")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        Asked asked = asked();
        assertThat(asked.method()).isEqualTo("GET");
        assertThat(asked.target()).isEqualTo("/oauth2/auth");
        assertThat(asked.bodyBytes()).isZero();
        String origin = "http://authed.example.test:" + dataPlane.httpPort();
        assertThat(asked.headers())
                .containsEntry("cookie", "session=s1")
                .containsEntry("authorization", "Bearer token-1")
                .containsEntry("x-original-url", origin + "/orders?page=2")
                .containsEntry("x-original-method", "POST")
                .containsEntry("x-auth-request-redirect", "/orders?page=2")
                .containsEntry("x-forwarded-host", "authed.example.test:" + dataPlane.httpPort())
                .containsEntry("x-forwarded-proto", "http")
                .containsEntry("x-forwarded-for", "127.0.0.1")
                .containsEntry("host", "127.0.0.1:" + authService.getAddress().getPort())
                .doesNotContainKey("transfer-encoding");

        ScriptedPod.Seen seen = app.next();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.bodyBytes()).isEqualTo(5); // held, not consumed, while the service decided
        assertThat(seen.headers()).containsEntry("x-auth-request-user", "alice")
                .containsEntry("x-auth-request-email", "alice@example.test")
                .containsEntry("cookie", "session=s1")
                .doesNotContainKey("x-not-copied");
    }

    @Test
    void a401WithoutSigninIsPassedWithItsChallengeAndCookie() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("authed.example.test", "/"))
                .header("X-Test-Verdict", "401").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate")).contains("Bearer realm=\"test\"");
        assertThat(response.headers().firstValue("set-cookie")).contains("_oauth2_proxy_csrf=abc; Path=/; HttpOnly");
        asked();
        assertThat(app.idle()).isTrue();
    }

    @Test
    void a403IsPassed() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("authed.example.test", "/"))
                .header("X-Test-Verdict", "403").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        asked();
        assertThat(app.idle()).isTrue();
    }

    @Test
    void anyOtherStatusOrAnUnreachableServiceIs500() throws Exception {
        HttpResponse<String> odd = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("authed.example.test", "/"))
                .header("X-Test-Verdict", "502").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(odd.statusCode()).isEqualTo(500);
        asked();
        HttpResponse<String> down = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("authdown.example.test", "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(500);
        assertThat(down.body()).doesNotContain("127.0.0.1"); // the service's address stays in the log
        assertThat(app.idle()).isTrue();
    }

    @Test
    void anHttpsServiceIsVerifiedAndOneThatCannotBeIs500NeverALetIn() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dataPlane.httpPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: authtls.example.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 500");
        }
        assertThat(app.idle()).isTrue();
    }

    @Test
    void theOauth2ProxyFlowRedirectsToSigninWithRdThenLetsTheSessionIn() throws Exception {
        HttpResponse<String> first = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("signin.example.test", "/dash?x=1"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(302);
        String original = "http://signin.example.test:" + dataPlane.httpPort() + "/dash?x=1";
        assertThat(first.headers().firstValue("location"))
                .contains("https://auth.example.test/oauth2/start?rd=" + URLEncoder.encode(original, StandardCharsets.UTF_8));
        assertThat(first.headers().firstValue("set-cookie")).contains("_oauth2_proxy_csrf=abc; Path=/; HttpOnly");
        // The service was reached by name (looked up off the event loop).
        assertThat(asked().headers()).containsEntry("host", "authsvc.example.test:" + authService.getAddress().getPort());
        assertThat(app.idle()).isTrue();

        HttpResponse<String> signedIn = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("signin.example.test", "/dash?x=1"))
                .header("Cookie", "_oauth2_proxy=valid").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(app.next().headers()).containsEntry("x-auth-request-user", "alice");
    }

    @Test
    void theMethodAndQueryOfTheServiceUrlAreUsedAndNoBodyIsSent() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(dataPlane.http("authpost.example.test", "/upload"))
                .header("X-Test-Verdict", "204").PUT(HttpRequest.BodyPublishers.ofString("0123456789")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Asked asked = asked();
        assertThat(asked.method()).isEqualTo("POST");
        assertThat(asked.target()).isEqualTo("/oauth2/auth?from=portcullis");
        assertThat(asked.bodyBytes()).isZero();
        assertThat(asked.headers()).containsEntry("content-length", "0").containsEntry("x-original-method", "PUT");
        assertThat(app.next().bodyBytes()).isEqualTo(10);
    }

    @Test
    void aRefusedRequestsBodyIsReadAndDroppedAndTheConnectionServesTheNextRequest() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dataPlane.httpPort())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /form HTTP/1.1\r\nHost: authed.example.test\r\nX-Test-Verdict: 403\r\nContent-Length: 7\r\n\r\n"
                    + "payload").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String refused = dev.portcullis.dataplane.testsupport.RawHttp.readHead(in);
            assertThat(refused).startsWith("HTTP/1.1 403");
            int length = Integer.parseInt(refused.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                    .findFirst().orElseThrow().substring(15).trim());
            in.readNBytes(length);
            out.write("GET /next HTTP/1.1\r\nHost: authed.example.test\r\nX-Test-Verdict: 200\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
        }
        asked();
        asked();
        assertThat(app.next().target()).isEqualTo("/next");
        assertThat(app.idle()).isTrue();
    }

    @Test
    void http2StreamsWaitForTheServiceToo() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestClients.sslContextTrusting(CA))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> allowed = h2.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/h2"))
                .header("X-Test-Verdict", "200").POST(HttpRequest.BodyPublishers.ofString("abc")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(asked().headers()).containsEntry("x-original-url", "https://app.example.test:" + dataPlane.httpsPort() + "/h2")
                .containsEntry("x-forwarded-proto", "https");
        ScriptedPod.Seen seen = app.next();
        assertThat(seen.bodyBytes()).isEqualTo(3);
        assertThat(seen.headers()).containsEntry("x-auth-request-user", "alice");

        HttpResponse<String> refused = h2.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/h2"))
                .header("X-Test-Verdict", "401").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("www-authenticate")).contains("Bearer realm=\"test\"");
        asked();
        assertThat(app.idle()).isTrue();
    }
}
