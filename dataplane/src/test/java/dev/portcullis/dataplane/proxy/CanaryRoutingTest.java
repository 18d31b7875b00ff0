package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Canary;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canaries (ingress-nginx's {@code canary-*}) through real sockets: two real pods, the main one and
 * the canary, and the JDK's HTTP client; each rule is proven by which pod answered, and the weight
 * by counting answers over many requests against a band no fair draw leaves (six standard deviations).
 */
class CanaryRoutingTest {

    private static final String HOST = "canary.example.test";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static ScriptedPod main;
    private static ScriptedPod canary;
    private static TestDataPlane dataPlane;

    @BeforeAll
    static void start() throws Exception {
        main = ScriptedPod.start("main");
        canary = ScriptedPod.start("canary");
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(new VirtualHost(HOST, TlsMode.TERMINATE, null, List.of(
                route("/header", new Canary("canary", "X-Canary", null, null, null, 0, 0)),
                route("/value", new Canary("canary", "X-Canary", "blue", null, null, 0, 0)),
                route("/pattern", new Canary("canary", "X-Canary", null, "^(beta|gamma)-[0-9]+$", null, 0, 0)),
                route("/cookie", new Canary("canary", null, null, null, "canary", 0, 0)),
                route("/order", new Canary("canary", "X-Canary", null, null, "canary", 100, 0)),
                route("/w0", new Canary("canary", null, null, null, null, 0, 0)),
                route("/w100", new Canary("canary", null, null, null, null, 100, 0)),
                route("/w30", new Canary("canary", null, null, null, null, 30, 0)),
                route("/total", new Canary("canary", null, null, null, null, 3, 4)),
                route("/empty", new Canary("empty", "X-Canary", null, null, null, 0, 0))), false)),
                List.of(cluster("main", main.port()), cluster("canary", canary.port()), new Cluster("empty", List.of())),
                List.of(), null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        main.close();
        canary.close();
    }

    private static Route route(String path, Canary canary) {
        return new Route(PathMatch.prefix(path), "main", null, null, null, null, null, null, null, null, canary, null);
    }

    private static Cluster cluster(String name, int port) {
        return new Cluster(name, List.of(new Endpoint("127.0.0.1", port, true)));
    }

    @ParameterizedTest(name = "{0} with {1}: {2} -> {3}")
    @CsvSource({
            "/header, X-Canary, always, canary", "/header, X-Canary, never, main", "/header, X-Canary, Always, main",
            "/header, X-Canary, yes, main", "/header, X-Other, always, main",
            "/value, X-Canary, blue, canary", "/value, X-Canary, always, main", "/value, X-Canary, blue2, main",
            "/pattern, X-Canary, beta-7, canary", "/pattern, X-Canary, gamma-12, canary", "/pattern, X-Canary, beta-, main",
            "/pattern, X-Canary, always, main",
            "/cookie, Cookie, canary=always, canary", "/cookie, Cookie, a=1; canary=always; b=2, canary",
            "/cookie, Cookie, canary=never, main", "/cookie, Cookie, canary=maybe, main", "/cookie, Cookie, other=always, main",
            // the header decides before the cookie, and both before the weight (100 here)
            "/order, X-Canary, never, main", "/order, Cookie, canary=never, main", "/order, X-Canary, always, canary",
            "/order, X-Unrelated, 1, canary",
    })
    void eachRuleSendsToThePodItNames(String path, String field, String value, String expected) throws Exception {
        assertThat(answeredBy(HttpRequest.newBuilder(dataPlane.http(HOST, path)).header(field, value))).isEqualTo(expected);
    }

    @Test
    void theHeaderWinsOverTheCookieInBothDirections() throws Exception {
        assertThat(answeredBy(HttpRequest.newBuilder(dataPlane.http(HOST, "/order")).header("X-Canary", "never")
                .header("Cookie", "canary=always"))).isEqualTo("main");
        assertThat(answeredBy(HttpRequest.newBuilder(dataPlane.http(HOST, "/order")).header("X-Canary", "always")
                .header("Cookie", "canary=never"))).isEqualTo("canary");
        // A header value that decides nothing falls through to the cookie.
        assertThat(answeredBy(HttpRequest.newBuilder(dataPlane.http(HOST, "/order")).header("X-Canary", "perhaps")
                .header("Cookie", "canary=never"))).isEqualTo("main");
    }

    @Test
    void weightZeroNeverAndWeightOfTheTotalAlwaysReachTheCanary() throws Exception {
        assertThat(count("/w0", 200)).isZero();
        assertThat(count("/w100", 200)).isEqualTo(200);
    }

    @Test
    void weightThirtyOfAHundredSendsAboutThirtyPercent() throws Exception {
        // 1000 draws of p = 0.3: mean 300, standard deviation 14.5; six of them either side.
        assertThat(count("/w30", 1000)).isBetween(213, 387);
    }

    @Test
    void weightIsCountedAgainstWeightTotal() throws Exception {
        // 3 of 4: 1000 draws, mean 750, standard deviation 13.7.
        assertThat(count("/total", 1000)).isBetween(668, 832);
    }

    @Test
    void aCanaryWithoutReadyEndpointsAnswers503AsAnyEmptyClusterDoes() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(dataPlane.http(HOST, "/empty"))
                .header("X-Canary", "always").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(answeredBy(HttpRequest.newBuilder(dataPlane.http(HOST, "/empty")))).isEqualTo("main");
    }

    /** How many of {@code requests} requests the canary pod answered. */
    private static int count(String path, int requests) throws Exception {
        int canaries = 0;
        for (int i = 0; i < requests; i++) {
            String pod = answeredBy(HttpRequest.newBuilder(dataPlane.http(HOST, path)));
            assertThat(pod).isIn("main", "canary");
            canaries += pod.equals("canary") ? 1 : 0;
        }
        return canaries;
    }

    /** The name of the pod that answered (its body's first word). */
    private static String answeredBy(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().substring(0, response.body().indexOf(' '));
    }
}
