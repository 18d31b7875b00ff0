package dev.portcullis.e2e;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * #15's graceful drain as a rollout runs it: two {@code portcullis.jar serve} processes behind a
 * balancer that follows their {@code /readyz}, restarted one after the other with SIGTERM while curl
 * clients send requests without pause. Not one request fails, each stopped process says it drained, and
 * its standard output is the access log, a JSON object per request.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RollingRestartTest {

    private static final String OPERATOR_JAR = "../operator/target/portcullis.jar";

    private final List<Process> processes = new ArrayList<>();
    private EchoBackend pod;
    private ReadinessBalancer balancer;
    private Path work;

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        if (balancer != null) {
            balancer.close();
        }
        if (pod != null) {
            pod.close();
        }
    }

    @Test
    void aRollingRestartOfTwoDataPlaneProcessesLosesNoRequest() throws Exception {
        pod = EchoBackend.start("web-1", "127.0.0.1", 0);
        work = Files.createTempDirectory(Path.of("target"), "rolling-restart").toAbsolutePath();
        Files.writeString(work.resolve("app.yaml"), manifests(pod.address().getPort()));
        balancer = new ReadinessBalancer();
        List<ReadinessBalancer.Backend> first = List.of(start("a"), start("b"));
        List<String> curl = List.of("--resolve", "roll.example.test:" + balancer.port() + ":127.0.0.1");
        try (SteadyLoad load = SteadyLoad.start(curl, "http://roll.example.test:" + balancer.port() + "/", 4)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> load.succeeded() > 200);
            // As a Deployment rolls: the next pod stops once the replacement of the last is ready, not
            // once the last has gone; each old one leaves while the load goes on.
            for (int i = 0; i < first.size(); i++) {
                processes.get(i).destroy(); // SIGTERM
                start(i == 0 ? "a2" : "b2");
                long before = load.succeeded();
                await().atMost(Duration.ofMinutes(1)).until(() -> load.succeeded() > before + 200);
            }
            for (int i = 0; i < first.size(); i++) {
                assertThat(processes.get(i).waitFor(60, TimeUnit.SECONDS)).as("the drain ends within its timeout").isTrue();
                balancer.remove(first.get(i));
            }
            String counts = load.stop();
            System.out.println("rolling restart under load: " + counts);
            assertThat(load.failures()).as(counts).isEmpty();
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String name : List.of("a", "b")) {
            String log = Files.readString(work.resolve(name + ".log"));
            assertThat(log).contains("draining: not ready from now", "drained: every connection finished");
            // Standard output carries the access log: a JSON object per request.
            List<String> requests = log.lines().filter(line -> line.startsWith("{")).toList();
            assertThat(requests).isNotEmpty();
            var line = json.readTree(requests.getLast());
            assertThat(line.get("host").asText()).isEqualTo("roll.example.test");
            assertThat(line.get("status").asInt()).isEqualTo(200);
            assertThat(line.get("upstream").asText()).isEqualTo("127.0.0.1:" + pod.address().getPort());
            assertThat(line.get("protocol").asText()).isEqualTo("HTTP/1.1");
        }
    }

    private ReadinessBalancer.Backend start(String name) throws Exception {
        int http = FreePorts.next();
        int admin = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Processes.dataPlaneJvmFlags());
        command.addAll(List.of("-jar", OPERATOR_JAR, "serve", "-f", work.toString(), "--bind", "127.0.0.1",
                "--http-port", String.valueOf(http), "--https-port", String.valueOf(FreePorts.next()),
                "--admin-port", String.valueOf(admin)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
        processes.add(process);
        ReadinessBalancer.Backend backend = new ReadinessBalancer.Backend(http, admin);
        balancer.add(backend);
        await().atMost(Duration.ofMinutes(1)).until(() -> balancer.isReady(backend));
        return backend;
    }

    /**
     * The drain's delay is the balancer's time to see a stopping process not ready, three checks under
     * whatever load the machine has: generous, as it runs while the replacements start.
     */
    private static String manifests(int podPort) {
        return """
                apiVersion: portcullis.dev/v1alpha1
                kind: DataPlane
                metadata:
                  name: edge
                spec:
                  drain: {delaySeconds: 15, timeoutSeconds: 30}
                  accessLog: {format: json}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: roll
                spec:
                  rules:
                  - host: roll.example.test
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend: {service: {name: web, port: {number: 80}}}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: web
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: web-1
                  labels:
                    kubernetes.io/service-name: web
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                endpoints:
                - addresses: ["127.0.0.1"]
                """.formatted(podPort);
    }
}
