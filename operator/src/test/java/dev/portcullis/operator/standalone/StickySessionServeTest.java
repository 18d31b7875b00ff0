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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sticky sessions end to end: ingress-nginx's {@code affinity: cookie} and {@code session-cookie-*}
 * annotations through {@code serve} (translation, snapshot, data plane) to three real pods, asked
 * with curl and its cookie jar; pods come and go by editing the manifests.
 */
class StickySessionServeTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path directory;
    private static final Map<String, ScriptedPod> PODS = new java.util.TreeMap<>();
    private static ServeCommand serving;

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            PODS.put(name, ScriptedPod.start(name));
        }
        Files.writeString(directory.resolve("web.yaml"), """
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
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  annotations:
                    %1$saffinity: cookie
                    %1$ssession-cookie-name: route
                    %1$ssession-cookie-max-age: "3600"
                    %1$ssession-cookie-samesite: Lax
                spec:
                  rules:
                  - host: sticky.example.test
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: web
                            port:
                              name: http
                """.formatted(NGINX));
        slice("a");
        slice("b");
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        serving.close();
        PODS.values().forEach(ScriptedPod::close);
    }

    /** One EndpointSlice per pod: the pods share 127.0.0.1 and differ by port. */
    private static void slice(String pod) throws Exception {
        Files.writeString(directory.resolve("slice-" + pod + ".yaml"), """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: web-%1$s
                  labels:
                    kubernetes.io/service-name: web
                addressType: IPv4
                ports:
                - name: http
                  port: %2$d
                endpoints:
                - addresses: ["127.0.0.1"]
                """.formatted(pod, PODS.get(pod).port()));
    }

    private static void apply() {
        long version = serving.server().config().current().version();
        serving.watcher().check();
        serving.watcher().check(); // two polls that agree: applied
        assertThat(serving.server().config().current().version()).isGreaterThan(version);
        assertThat(serving.problems()).isEmpty();
    }

    @Test
    void curlStaysOnItsPodThroughChurnAndMovesOnlyWhenItLeaves() throws Exception {
        assertThat(serving.problems()).isEmpty();
        Path jar = directory.resolve("cookies.txt");
        String first = curl(jar, "/login");
        assertThat(first).containsPattern("(?i)set-cookie: route=[0-9a-f]{16}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax\r\n");
        String pinned = podOf(first);
        for (int i = 0; i < 10; i++) {
            String again = curl(jar, "/page/" + i);
            assertThat(podOf(again)).isEqualTo(pinned);
            assertThat(again.toLowerCase()).doesNotContain("set-cookie");
        }

        slice("c"); // a pod joins
        apply();
        for (int i = 0; i < 10; i++) {
            assertThat(podOf(curl(jar, "/after-join/" + i))).isEqualTo(pinned);
        }

        Files.delete(directory.resolve("slice-" + pinned + ".yaml")); // its own pod leaves
        apply();
        String moved = curl(jar, "/after-leave");
        assertThat(podOf(moved)).isNotEqualTo(pinned);
        assertThat(moved).containsIgnoringCase("set-cookie: route=");
        for (int i = 0; i < 5; i++) {
            assertThat(podOf(curl(jar, "/settled/" + i))).isEqualTo(podOf(moved));
        }

        Set<String> withoutCookie = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            withoutCookie.add(podOf(curl(null, "/anonymous/" + i)));
        }
        assertThat(withoutCookie).as("clients without the cookie are balanced").hasSize(2);
    }

    private static String podOf(String response) {
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        return body.substring(0, body.indexOf(' '));
    }

    private static String curl(Path jar, String path) {
        int port = serving.server().httpAddress().getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "10", "--http1.1",
                "--resolve", "sticky.example.test:" + port + ":127.0.0.1"));
        if (jar != null) {
            command.addAll(List.of("-b", jar.toString(), "-c", jar.toString()));
        }
        command.add("http://sticky.example.test:" + port + path);
        Processes.Result result = Processes.run(command, null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }
}
