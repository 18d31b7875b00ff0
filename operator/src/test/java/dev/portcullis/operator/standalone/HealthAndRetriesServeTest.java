package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.FaultyPod;
import dev.portcullis.dataplane.testsupport.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health and retry annotations through {@code serve -f} to two real pods, asked with curl: a GET
 * answered 503 by one pod is retried on the other (ingress-nginx's {@code proxy-next-upstream}),
 * a POST is not; an active check takes the pod whose health path fails out of balancing, and
 * {@code /debug/endpoints} says so.
 */
class HealthAndRetriesServeTest {

    @TempDir
    Path directory;
    private FaultyPod unavailable;
    private FaultyPod good;
    private ServeCommand serving;

    @BeforeEach
    void start() throws Exception {
        unavailable = FaultyPod.start("unavailable");
        good = FaultyPod.start("good");
        unavailable.status.set(503);
        Files.writeString(directory.resolve("app.yaml"), manifests(unavailable.port(), good.port()));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        serving.close();
        unavailable.close();
        good.close();
    }

    @Test
    void getsAreRetriedOnAnotherPodPostsAreNotAndAFailingHealthPathTakesAPodOut() {
        for (int i = 0; i < 4; i++) {
            assertThat(curl("GET")).startsWith("HTTP/1.1 200").contains("good 200");
        }
        assertThat(unavailable.methods).as("the 503'd GETs reached the pod first").contains("GET");
        List<String> posts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            posts.add(curl("POST").substring(0, 12));
        }
        assertThat(posts).containsExactlyInAnyOrder("HTTP/1.1 200", "HTTP/1.1 503");
        assertThat(unavailable.methods.stream().filter("POST"::equals).count()).isEqualTo(1);

        unavailable.healthStatus.set(500);
        int checks = unavailable.healthChecks.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> unavailable.healthChecks.get() >= checks + 2);
        assertThat(admin()).contains("\"failing-checks\"").contains("answered 500").contains("\"usableEndpoints\" : 1");
        int seen = unavailable.requests.get();
        for (int i = 0; i < 4; i++) {
            assertThat(curl("POST")).startsWith("HTTP/1.1 200");
        }
        assertThat(unavailable.requests.get()).as("requests the pod out of balancing saw").isEqualTo(seen);
    }

    private String curl(String method) {
        int port = serving.server().httpAddress().getPort();
        Processes.Result result = Processes.run(List.of("curl", "-sS", "-i", "--max-time", "10", "-X", method,
                "--resolve", "app.example.test:" + port + ":127.0.0.1", "http://app.example.test:" + port + "/act"), null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }

    private String admin() {
        Processes.Result result = Processes.run(List.of("curl", "-sS", "--max-time", "10",
                "http://127.0.0.1:" + serving.server().adminAddress().getPort() + "/debug/endpoints"), null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }

    private static String manifests(int firstPort, int secondPort) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: app
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: web
                ---
                %s
                ---
                %s
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: app
                  annotations:
                    nginx.ingress.kubernetes.io/proxy-next-upstream: "error http_503"
                    nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "2"
                    portcullis.dev/outlier-detection: "off"
                    portcullis.dev/health-check-path: /healthz
                    portcullis.dev/health-check-interval: 100ms
                    portcullis.dev/health-check-unhealthy-threshold: "1"
                    portcullis.dev/health-check-healthy-threshold: "1"
                spec:
                  rules:
                  - host: app.example.test
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: app
                            port:
                              name: http
                """.formatted(slice("app-1", firstPort), slice("app-2", secondPort));
    }

    private static String slice(String name, int port) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  labels:
                    kubernetes.io/service-name: app
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                endpoints:
                - addresses: ["127.0.0.1"]""".formatted(name, port);
    }
}
