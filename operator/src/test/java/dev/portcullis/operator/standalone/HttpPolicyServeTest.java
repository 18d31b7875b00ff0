package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header edits, CORS and error pages end to end: Ingress annotations as ingress-nginx users write
 * them, through {@code serve} (translation, snapshot, data plane), to real pods, asked with curl.
 */
class HttpPolicyServeTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path directory;
    private static ScriptedPod app;
    private static ScriptedPod pages;
    private static ServeCommand serving;

    @BeforeAll
    static void start() throws Exception {
        app = ScriptedPod.start("app");
        pages = ScriptedPod.start("pages");
        Files.writeString(directory.resolve("shop.yaml"), String.join("---\n",
                StandaloneManifests.service("app", app.port()), StandaloneManifests.service("pages", pages.port()),
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  annotations:
                    %1$senable-cors: "true"
                    %1$scors-allow-origin: "https://app.example.com, https://*.example.org"
                    %1$scors-allow-methods: "GET, POST, PUT"
                    %1$scustom-http-errors: "404,503"
                    %1$sdefault-backend: pages
                    portcullis.dev/request-headers: "{set: {X-Env: prod}, remove: [X-Debug]}"
                    portcullis.dev/response-headers: |
                      set:
                        X-Frame-Options: DENY
                      remove: [Server, X-Powered-By]
                spec:
                  rules:
                  - host: shop.example.test
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: app
                            port:
                              name: http
                """.formatted(NGINX)));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        serving.close();
        app.close();
        pages.close();
    }

    @Test
    void theTranslationReportsNoProblem() {
        assertThat(serving.problems()).isEmpty();
    }

    @Test
    void aPreflightIsAnsweredByTheProxy() throws Exception {
        String head = curl("-X", "OPTIONS", "-H", "Origin: https://shop.example.org", "-H",
                "Access-Control-Request-Method: PUT", "/api/cart");
        assertThat(head.toLowerCase()).startsWith("http/1.1 204").contains("access-control-allow-origin: https://shop.example.org\r\n",
                "access-control-allow-methods: get, post, put\r\n", "access-control-allow-credentials: true\r\n",
                "access-control-max-age: 1728000\r\n", "x-frame-options: deny\r\n");
        assertThat(app.idle()).isTrue();
    }

    @Test
    void aListedStatusIsAnsweredWithTheErrorBackendsPageAndTheRouteEdits() throws Exception {
        String response = curl("-H", "X-Debug: 1", "-H", "Accept: text/html", "-H", "Origin: https://app.example.com",
                "/status/404");
        assertThat(response).startsWith("HTTP/1.1 404").containsIgnoringCase("x-frame-options: DENY\r\n").contains(
                "access-control-allow-origin: https://app.example.com\r\n", "\r\n\r\npages 200\nGET /\n",
                "x-code: 404\n", "x-format: text/html\n", "x-original-uri: /status/404\n", "x-ingress-name: shop\n",
                "x-namespace: default\n", "x-service-name: app\n", "x-service-port: http\n");
        assertThat(response.toLowerCase()).doesNotContain("server: ", "x-powered-by");
        ScriptedPod.Seen atThePod = app.next();
        assertThat(atThePod.headers()).containsEntry("x-env", "prod").doesNotContainKey("x-debug");
        pages.next();
    }

    private static String curl(String... arguments) {
        int port = serving.server().httpAddress().getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "10", "--http1.1",
                "--resolve", "shop.example.test:" + port + ":127.0.0.1"));
        command.addAll(List.of(arguments).subList(0, arguments.length - 1));
        command.add("http://shop.example.test:" + port + arguments[arguments.length - 1]);
        Processes.Result result = Processes.run(command, null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }
}
