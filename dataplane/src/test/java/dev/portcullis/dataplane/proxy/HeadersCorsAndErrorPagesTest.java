package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Cors;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.ErrorBackend;
import dev.portcullis.dataplane.config.HeaderEdits;
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

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header edits both ways, CORS and error pages (ingress-nginx's {@code enable-cors},
 * {@code custom-http-errors} and {@code default-backend}), through real sockets, with real pods
 * (the JDK's HTTP server) and the JDK's HTTP client over HTTP/1.1 and HTTP/2.
 */
class HeadersCorsAndErrorPagesTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("headers CA", KeyType.EC_P256);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final HeaderEdits REQUEST_EDITS = new HeaderEdits(Map.of("X-Env", "prod"), Map.of("X-Tag", "edge"),
            List.of("X-Debug"));
    private static final HeaderEdits RESPONSE_EDITS = new HeaderEdits(Map.of("X-Frame-Options", "DENY"), Map.of(),
            List.of("Server", "X-Powered-By"));
    private static final Cors LISTED = new Cors(List.of("https://app.example.com", "https://*.example.org"), "GET, POST",
            "X-Custom, Content-Type", "X-Total-Count", true, 600);
    private static final Cors ANY = new Cors(List.of("*"), Cors.DEFAULT_METHODS, Cors.DEFAULT_HEADERS, "", false,
            Cors.DEFAULT_MAX_AGE_SECONDS);

    private static ScriptedPod app;
    private static ScriptedPod pages;
    private static TestDataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        app = ScriptedPod.start("app");
        pages = ScriptedPod.start("pages");
        int closedPort = FreePorts.next();
        ErrorBackend errors = new ErrorBackend("pages", List.of(404, 502, 503), "shop", "storefront", "app", "80");
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(
                host("headers.example.test", new Route(PathMatch.prefix("/"), "app", null, null, null, null,
                        REQUEST_EDITS, RESPONSE_EDITS, null, null),
                        new Route(PathMatch.prefix("/empty"), "empty", null, null, null, null, null, RESPONSE_EDITS, null, null)),
                host("cors.example.test", route("app", LISTED, null)),
                host("corsany.example.test", route("app", ANY, null)),
                host("errors.example.test", route("app", null, errors)),
                host("standin.example.test", route("empty", null, new ErrorBackend("pages", List.of(), "shop", "storefront",
                        "app", "80"))),
                host("deadpod.example.test", route("dead", null, errors)),
                host("nopages.example.test", route("app", null, new ErrorBackend("dead", List.of(404), null, null, null, null))),
                new VirtualHost("secure.example.test", TlsMode.TERMINATE, "secure", List.of(route("app", LISTED, errors)), true)),
                List.of(cluster("app", app.port()), cluster("pages", pages.port()), new Cluster("empty", List.of()),
                        cluster("dead", closedPort)),
                List.of(certificate("secure", CA.issueServer(List.of("secure.example.test"), KeyType.EC_P256))), null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        app.close();
        pages.close();
    }

    @BeforeEach
    void noRequestLeftOver() throws Exception {
        while (!app.idle()) {
            app.next();
        }
        while (!pages.idle()) {
            pages.next();
        }
    }

    private static Route route(String cluster, Cors cors, ErrorBackend errors) {
        return new Route(PathMatch.prefix("/"), cluster, null, null, null, null, null, null, cors, errors);
    }

    private static VirtualHost host(String name, Route... routes) {
        return new VirtualHost(name, TlsMode.TERMINATE, null, List.of(routes), false);
    }

    private static Cluster cluster(String name, int port) {
        return new Cluster(name, List.of(new Endpoint("127.0.0.1", port, true)));
    }

    @Test
    void requestEditsSetAddAndRemoveWhatThePodGets() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("headers.example.test", "/x"))
                .header("X-Env", "dev").header("X-Tag", "client").header("X-Debug", "1"));
        assertThat(response.statusCode()).isEqualTo(200);
        ScriptedPod.Seen seen = app.next();
        assertThat(seen.headers()).containsEntry("x-env", "prod").containsEntry("x-tag", "client, edge")
                .doesNotContainKey("x-debug");
    }

    @Test
    void responseEditsApplyToThePodsAnswersAndToTheProxysOwn() throws Exception {
        HttpResponse<String> fromPod = send(HttpRequest.newBuilder(dataPlane.http("headers.example.test", "/status/404")));
        assertThat(fromPod.statusCode()).isEqualTo(404);
        assertThat(fromPod.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(fromPod.headers().map()).doesNotContainKeys("server", "x-powered-by");

        HttpResponse<String> local = send(HttpRequest.newBuilder(dataPlane.http("headers.example.test", "/empty")));
        assertThat(local.statusCode()).isEqualTo(503);
        assertThat(local.headers().firstValue("x-frame-options")).hasValue("DENY");
    }

    @Test
    void aPreflightFromAListedOriginIsAnsweredWithoutThePod() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(dataPlane.http("cors.example.test", "/api"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://shop.example.org")
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "x-custom"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        var headers = preflight.headers();
        assertThat(headers.firstValue("access-control-allow-origin")).hasValue("https://shop.example.org");
        assertThat(headers.firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(headers.firstValue("access-control-allow-methods")).hasValue("GET, POST");
        assertThat(headers.firstValue("access-control-allow-headers")).hasValue("X-Custom, Content-Type");
        assertThat(headers.firstValue("access-control-max-age")).hasValue("600");
        assertThat(headers.firstValue("vary")).hasValue("Origin");
        assertThat(app.idle()).as("the pod never saw the preflight").isTrue();
    }

    @Test
    void aPreflightFromAnotherOriginGetsNoPermission() throws Exception {
        for (String origin : List.of("https://evil.example.com", "https://a.b.example.org", "http://app.example.com",
                "https://app.example.com.evil.test")) {
            HttpResponse<String> preflight = send(HttpRequest.newBuilder(dataPlane.http("cors.example.test", "/api"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST"));
            assertThat(preflight.statusCode()).as(origin).isEqualTo(204);
            assertThat(preflight.headers().map()).as(origin).doesNotContainKeys("access-control-allow-origin",
                    "access-control-allow-methods");
        }
        assertThat(app.idle()).isTrue();
    }

    @Test
    void anActualRequestFromAListedOriginGetsTheCorsFields() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("cors.example.test", "/api"))
                .header("Origin", "https://app.example.com"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        assertThat(response.headers().firstValue("access-control-expose-headers")).hasValue("X-Total-Count");
        assertThat(response.headers().firstValue("vary")).hasValue("Origin");
        assertThat(app.next().method()).isEqualTo("GET");

        HttpResponse<String> other = send(HttpRequest.newBuilder(dataPlane.http("cors.example.test", "/api"))
                .header("Origin", "https://evil.example.com"));
        assertThat(other.headers().map()).doesNotContainKey("access-control-allow-origin");
        app.next();
    }

    /** A plain OPTIONS (no Access-Control-Request-Method) is the pod's to answer. */
    @Test
    void anOptionsRequestThatIsNoPreflightGoesToThePod() throws Exception {
        send(HttpRequest.newBuilder(dataPlane.http("cors.example.test", "/dav"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example.com"));
        assertThat(app.next().method()).isEqualTo("OPTIONS");
    }

    @Test
    void everyOriginIsAnsweredWithAStarAsIngressNginxDoes() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(dataPlane.http("corsany.example.test", "/"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://anyone.example")
                .header("Access-Control-Request-Method", "PUT"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValue(Cors.DEFAULT_METHODS);
        assertThat(preflight.headers().map()).doesNotContainKeys("access-control-allow-credentials", "vary");
    }

    @Test
    void aListedStatusFromThePodGetsTheErrorBackendsPageWithTheOriginalStatus() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("errors.example.test", "/status/404?q=1"))
                .header("Accept", "application/json"));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).startsWith("pages 200\nGET /\n");
        assertThat(app.next().target()).isEqualTo("/status/404?q=1");
        ScriptedPod.Seen page = pages.next();
        assertThat(page.headers()).containsEntry("x-code", "404").containsEntry("x-format", "application/json")
                .containsEntry("x-original-uri", "/status/404?q=1").containsEntry("x-namespace", "shop")
                .containsEntry("x-ingress-name", "storefront").containsEntry("x-service-name", "app")
                .containsEntry("x-service-port", "80").containsEntry("host", "errors.example.test:" + dataPlane.httpPort())
                .containsKey("x-request-id").containsEntry("x-forwarded-proto", "http");
    }

    @Test
    void anUnlistedStatusIsThePods() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("errors.example.test", "/status/500")));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).startsWith("app 500\n");
        app.next();
        assertThat(pages.idle()).isTrue();
    }

    /** The error backend is asked with GET: the client's body went to the pod once and is never sent again. */
    @Test
    void aPostsPageIsAskedForWithoutItsBody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("errors.example.test", "/status/503"))
                .POST(HttpRequest.BodyPublishers.ofString("order=1")));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(app.next().bodyBytes()).isEqualTo(7);
        ScriptedPod.Seen page = pages.next();
        assertThat(page.method()).isEqualTo("GET");
        assertThat(page.bodyBytes()).isZero();
    }

    @Test
    void aHeadRequestsPageHasNoBody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("errors.example.test", "/status/404"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEmpty();
        app.next();
        assertThat(pages.next().method()).isEqualTo("HEAD");
    }

    @Test
    void theProxysOwnErrorsGetPagesToo() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("deadpod.example.test", "/checkout")));
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).startsWith("pages 200\n");
        assertThat(pages.next().headers()).containsEntry("x-code", "502").containsEntry("x-original-uri", "/checkout");
    }

    @Test
    void theDefaultBackendTakesTheRequestsOfARouteWithoutEndpoints() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("standin.example.test", "/cart?id=3")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("pages 200\nGET /cart?id=3\n");
        pages.next();
    }

    @Test
    void anUnreachableErrorBackendLeavesTheProxysOwnPageWithTheOriginalStatus() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(dataPlane.http("nopages.example.test", "/status/404"))
                .header("Accept", "text/plain"));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("404", "the endpoint answered 404");
        app.next();
    }

    @Test
    void errorPagesAndCorsWorkForHttp2ClientsToo() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TestClients.sslContextTrusting(CA)).build();
        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(dataPlane.https("secure.example.test", "/status/404"))
                .header("Origin", "https://app.example.com").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).startsWith("pages 200\n");
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        app.next();
        assertThat(pages.next().headers()).containsEntry("x-forwarded-proto", "https");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
