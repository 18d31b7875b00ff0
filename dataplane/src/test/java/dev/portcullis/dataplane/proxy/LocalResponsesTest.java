package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.proxy.LocalResponses.Format;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's own answers: HTML, JSON or text by Accept, with the request id the pod would have had. */
class LocalResponsesTest {

    private static EchoBackend pod;
    private static TestDataPlane dataPlane;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        pod = EchoBackend.start("pod", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(host("app.example.test", null, prefix("/app", "pod"))),
                List.of(new dev.portcullis.dataplane.config.Cluster("pod", endpoints(List.of(pod)))), List.of(), null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        pod.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "|text/plain",
            "*/*|text/plain",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8|text/html",
            "application/json|application/json",
            "application/json;q=0.5, text/html;q=0.9|text/html",
            "text/html;q=0, application/json|application/json",
            "image/png|text/plain"})
    void theFormatFollowsAccept(String accept, String expected) {
        assertThat(Format.preferred(accept).contentType).startsWith(expected);
    }

    @Test
    void aBrowserGetsHtmlAnApiClientJsonBothWithTheRequestId() throws Exception {
        HttpResponse<String> html = get("/nowhere", "text/html", null);
        assertThat(html.statusCode()).isEqualTo(404);
        assertThat(html.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        String id = html.headers().firstValue("x-request-id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(html.body()).contains("<h1>404 Not Found</h1>").contains("no route for this path").contains(id);

        HttpResponse<String> json = get("/nowhere", "application/json", "trace-abc-123");
        JsonNode body = new ObjectMapper().readTree(json.body());
        assertThat(body.get("status").asInt()).isEqualTo(404);
        assertThat(body.get("detail").asText()).isEqualTo("no route for this path");
        assertThat(body.get("requestId").asText()).as("the client's own id is kept").isEqualTo("trace-abc-123");
    }

    @Test
    void thePodGetsTheRequestIdTheClientSentOrANewOne() throws Exception {
        assertThat(get("/app", null, "trace-abc-123").body()).containsIgnoringCase("x-request-id: trace-abc-123");
        assertThat(get("/app", null, null).body()).containsPattern("(?i)x-request-id: [0-9a-f]{32}");
        assertThat(get("/app", null, "x".repeat(200)).body()).as("too long to trust")
                .containsPattern("(?i)x-request-id: [0-9a-f]{32}");
    }

    @Test
    void aDetailThatCarriesClientTextIsEscaped() {
        String html = LocalResponses.body(Format.HTML, HttpResponseStatus.PERMANENT_REDIRECT,
                "https://a.example.test/<script>\"'&", "id");
        assertThat(html).contains("https://a.example.test/&lt;script&gt;&quot;&#39;&amp;").doesNotContain("<script>");
        String json = LocalResponses.body(Format.JSON, HttpResponseStatus.BAD_REQUEST, "a \"quoted\" \\ </b>\n", "id");
        assertThat(json).contains("a \\\"quoted\\\" \\\\ \\u003c/b\\u003e\\u000a");
    }

    private static HttpResponse<String> get(String path, String accept, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://app.example.test:" + dataPlane.httpPort() + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (requestId != null) {
            request.header("X-Request-ID", requestId);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
