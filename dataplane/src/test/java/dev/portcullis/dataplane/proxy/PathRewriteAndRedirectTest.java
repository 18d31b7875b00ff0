package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pod receives and what the client is answered, through real sockets, for the route
 * actions ingress-nginx users write as annotations: rewrite-target with capture groups,
 * x-forwarded-prefix, app-root, permanent-redirect and temporal-redirect.
 */
class PathRewriteAndRedirectTest {

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
                plainHost("plain.example.test", prefix("/", "app"))),
                List.of(new Cluster("app", endpoints(List.of(app))), new Cluster("other", endpoints(List.of(other)))),
                List.of(), null));
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
