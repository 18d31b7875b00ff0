package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.RecordingPod;
import dev.portcullis.dataplane.testsupport.RecordingPod.Behaviour;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a team moving off ingress-nginx writes, through {@code serve -f} to real sockets:
 * {@code proxy-read-timeout: "1"} in front of a pod that never answers gives 504, and
 * {@code proxy-body-size: 1k} refuses a 5 KB body with 413 before the pod gets a connection.
 */
class TimeoutAndBodySizeServeTest {

    @TempDir
    Path directory;
    private RecordingPod silent;
    private RecordingPod uploads;
    private ServeCommand serving;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        silent = RecordingPod.start(Behaviour.SILENT);
        uploads = RecordingPod.start(Behaviour.ANSWER);
        Files.writeString(directory.resolve("slow.yaml"), StandaloneManifests.service("slow", silent.port()) + "---\n"
                + ingress("slow", "api.example.test", "slow", "nginx.ingress.kubernetes.io/proxy-read-timeout: \"1\""));
        Files.writeString(directory.resolve("uploads.yaml"), StandaloneManifests.service("uploads", uploads.port()) + "---\n"
                + ingress("uploads", "plain.example.test", "uploads", "nginx.ingress.kubernetes.io/proxy-body-size: 1k"));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        serving.close();
        silent.close();
        uploads.close();
    }

    @Test
    void proxyReadTimeoutAnswers504WhenThePodIsSilent() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("api.example.test", "/report")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(504);
        await().atMost(Duration.ofSeconds(10)).until(() -> silent.complete() == 1); // the pod had the request
    }

    @Test
    void proxyBodySizeRefusesALargerBodyBeforeThePodGetsAConnection() throws Exception {
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(uri("plain.example.test", "/upload"))
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5 * 1024))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(uploads.accepted()).isZero();

        HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(uri("plain.example.test", "/upload"))
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1024))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(uploads.accepted()).isEqualTo(1);
        assertThat(uploads.complete()).isEqualTo(1);
    }

    private URI uri(String host, String path) {
        // The test hosts file (dataplane/src/test/resources/test-hosts) resolves these names to 127.0.0.1.
        return URI.create("http://" + host + ":" + serving.server().httpAddress().getPort() + path);
    }


    private static String ingress(String name, String host, String service, String annotation) {
        return StandaloneManifests.ingress(name, host, service, null, List.of(annotation));
    }
}
