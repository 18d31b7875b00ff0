package dev.portcullis.operator.standalone;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Source ranges, rate limits and external authentication end to end: ingress-nginx's annotations
 * through {@code serve} (translation, snapshot, data plane) to a real pod and a real authentication
 * service, asked with curl from different loopback source addresses ({@code --interface}).
 */
class AccessControlServeTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path directory;
    private static ScriptedPod app;
    private static HttpServer authService;
    private static ServeCommand serving;

    @BeforeAll
    static void start() throws Exception {
        app = ScriptedPod.start("app");
        authService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        authService.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                boolean session = String.valueOf(exchange.getRequestHeaders().getFirst("Cookie")).contains("_oauth2_proxy=valid");
                if (session) {
                    exchange.getResponseHeaders().add("X-Auth-Request-User", "alice");
                } else {
                    exchange.getResponseHeaders().add("Set-Cookie", "_oauth2_proxy_csrf=abc; Path=/");
                }
                exchange.sendResponseHeaders(session ? 202 : 401, -1);
            }
        });
        authService.start();
        Files.writeString(directory.resolve("access.yaml"), String.join("---\n",
                StandaloneManifests.service("app", app.port()),
                ingress("private", "private.example.test", """
                            %1$swhitelist-source-range: "127.0.0.2/32, 10.0.0.0/8"
                            %1$slimit-rpm: "1"
                            %1$slimit-burst-multiplier: "1"
                        """.formatted(NGINX)),
                ingress("guarded", "guarded.example.test", """
                            %1$sauth-url: "http://127.0.0.1:%2$d/oauth2/auth"
                            %1$sauth-signin: "https://auth.example.test/oauth2/start"
                            %1$sauth-response-headers: "X-Auth-Request-User"
                        """.formatted(NGINX, authService.getAddress().getPort()))));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1));
    }

    private static String ingress(String name, String host, String annotations) {
        return StandaloneManifests.ingress(name, host, "app", null, StandaloneManifests.annotationLines(annotations));
    }

    @AfterAll
    static void stop() {
        serving.close();
        app.close();
        authService.stop(0);
    }

    @Test
    void theTranslationReportsNoProblem() {
        assertThat(serving.problems()).isEmpty();
    }

    @Test
    void onlyTheAllowedAddressGetsInAndThenOnlyUpToItsBurst() throws Exception {
        assertThat(curl("127.0.0.3", "private.example.test", "/")).startsWith("HTTP/1.1 403");
        // limit-rpm 1, multiplier 1: two requests at once, then one a minute.
        assertThat(curl("127.0.0.2", "private.example.test", "/")).startsWith("HTTP/1.1 200");
        assertThat(curl("127.0.0.2", "private.example.test", "/")).startsWith("HTTP/1.1 200");
        String limited = curl("127.0.0.2", "private.example.test", "/");
        assertThat(limited).startsWith("HTTP/1.1 429").containsPattern("(?i)retry-after: [1-9][0-9]?\r\n");
        app.next();
        app.next();
        assertThat(app.idle()).isTrue();
    }

    @Test
    void theOauth2ProxyFlow() throws Exception {
        String first = curl("127.0.0.1", "guarded.example.test", "/dash");
        int port = serving.server().httpAddress().getPort();
        assertThat(first).startsWith("HTTP/1.1 302")
                .contains("location: https://auth.example.test/oauth2/start?rd=http%3A%2F%2Fguarded.example.test%3A" + port
                        + "%2Fdash\r\n")
                .contains("set-cookie: _oauth2_proxy_csrf=abc; Path=/\r\n");
        String signedIn = curl("127.0.0.1", "guarded.example.test", "/dash", "-H", "Cookie: _oauth2_proxy=valid");
        assertThat(signedIn).startsWith("HTTP/1.1 200");
        assertThat(app.next().headers()).containsEntry("x-auth-request-user", "alice");
    }

    private static String curl(String source, String host, String path, String... extra) {
        int port = serving.server().httpAddress().getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "10", "--http1.1",
                "--interface", source, "--resolve", host + ":" + port + ":127.0.0.1"));
        command.addAll(List.of(extra));
        command.add("http://" + host + ":" + port + path);
        Processes.Result result = Processes.run(command, null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }
}
