package dev.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.testkit.KubeBinaries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart as the release publishes it and users install it: packaged, pushed as an OCI artifact
 * to a real registry (Debian's {@code docker-registry} on 127.0.0.1, a process of this test's own),
 * then rendered from {@code oci://} by version. Without the registry binary the class is skipped
 * with the reason (a failure under {@code PORTCULLIS_REQUIRE_REAL_API_SERVER=true}).
 */
class ChartRegistryTest {

    private static final Path CHART = Path.of("../charts/portcullis");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private static Path work;
    private static Process registry;
    private static int port;

    @BeforeAll
    static void startRegistry() throws IOException {
        Path binary = Path.of(System.getenv().getOrDefault("PORTCULLIS_DOCKER_REGISTRY", "/usr/bin/docker-registry"));
        if (!Files.isExecutable(binary)) {
            throw new KubeBinaries.Unavailable("no " + binary + " to push the chart to (Debian's docker-registry package:"
                    + " apt-get install -y docker-registry; .ci/run installs it)").skipOrFail();
        }
        work = Files.createTempDirectory("portcullis-chart-registry");
        port = FreePorts.next();
        Path config = Files.writeString(work.resolve("registry.yml"), """
                version: 0.1
                log:
                  level: info
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                  secret: portcullis-test-only
                """.formatted(work.resolve("storage"), port));
        Path log = work.resolve("registry.log");
        registry = new ProcessBuilder(binary.toString(), "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(registry.isAlive()).as("docker-registry exited: " + Files.readString(log)).isTrue();
            try {
                return get("/v2/", "application/json").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.destroy();
            if (!registry.waitFor(10, TimeUnit.SECONDS)) {
                registry.destroyForcibly().waitFor();
            }
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    @Test
    void theChartPushedAsAnOciArtifactRendersTheReleasedImages() throws Exception {
        String pushed = push(CHART, "0.1.0");

        // What is in the registry is a Helm chart artifact, at the digest helm push printed (the release signs that digest).
        HttpResponse<String> manifest = get("/v2/charts/portcullis/manifests/0.1.0", OCI_MANIFEST);
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(manifest.body());
        assertThat(body.at("/config/mediaType").asText()).isEqualTo("application/vnd.cncf.helm.config.v1+json");
        assertThat(body.at("/layers/0/mediaType").asText()).isEqualTo("application/vnd.cncf.helm.chart.content.v1.tar+gzip");
        String digest = manifest.headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertThat(pushed).contains("Digest: " + digest);

        List<JsonNode> objects = renderFromRegistry("0.1.0");
        assertThat(objects).extracting(object -> object.path("kind").asText()).contains("Deployment", "DataPlane");
        assertThat(only(objects, "Deployment").at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("ghcr.io/portcullis/portcullis-operator:0.1.0");
        assertThat(only(objects, "DataPlane").at("/spec/image").asText())
                .isEqualTo("ghcr.io/portcullis/portcullis-dataplane:0.1.0");
        assertThat(only(objects, "Deployment").at("/metadata/labels/helm.sh~1chart").asText()).isEqualTo("portcullis-0.1.0");
    }

    @Test
    void eachVersionInTheRegistryRendersTheImagesOfItsOwnAppVersion() throws Exception {
        // A release stamps version and appVersion from its tag (helm package --version --app-version): the same here.
        Path released = work.resolve("released/portcullis");
        copy(CHART, released);
        ObjectNode chart = (ObjectNode) YAML.readTree(released.resolve("Chart.yaml").toFile());
        chart.put("version", "0.2.0-rc.1").put("appVersion", "0.2.0-rc.1");
        YAML.writeValue(released.resolve("Chart.yaml").toFile(), chart);
        push(released, "0.2.0-rc.1");
        push(CHART, "0.1.0");

        HttpResponse<String> tags = get("/v2/charts/portcullis/tags/list", "application/json");
        assertThat(JSON.readTree(tags.body()).path("tags").toString()).contains("\"0.1.0\"", "\"0.2.0-rc.1\"");

        List<JsonNode> candidate = renderFromRegistry("0.2.0-rc.1");
        assertThat(only(candidate, "Deployment").at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("ghcr.io/portcullis/portcullis-operator:0.2.0-rc.1");
        assertThat(only(candidate, "DataPlane").at("/spec/image").asText())
                .isEqualTo("ghcr.io/portcullis/portcullis-dataplane:0.2.0-rc.1");
        assertThat(only(renderFromRegistry("0.1.0"), "DataPlane").at("/spec/image").asText())
                .isEqualTo("ghcr.io/portcullis/portcullis-dataplane:0.1.0");
    }

    /** helm package, then helm push to oci://127.0.0.1:PORT/charts; returns what helm push printed. */
    private static String push(Path chart, String version) throws IOException {
        Path destination = Files.createDirectories(work.resolve("dist-" + version));
        new Helm(chart).packageIt().withDestination(destination).call();
        Path tgz = destination.resolve("portcullis-" + version + ".tgz");
        assertThat(tgz).exists();
        return Helm.push().withChart(tgz).withRemote(URI.create("oci://127.0.0.1:" + port + "/charts")).plainHttp().call();
    }

    /** helm template oci://127.0.0.1:PORT/charts/portcullis --version VERSION, as the README shows. */
    private static List<JsonNode> renderFromRegistry(String version) throws IOException {
        String rendered = Helm.template("oci://127.0.0.1:" + port + "/charts/portcullis").withVersion(version).plainHttp()
                .withName("portcullis").withNamespace("portcullis").withKubeVersion(KubeBinaries.VERSION).call();
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(rendered)) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document != null && document.isObject() && document.has("kind")) {
                    objects.add(document);
                }
            }
        }
        return objects;
    }

    private static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> matching = objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
        assertThat(matching).as(kind).hasSize(1);
        return matching.getFirst();
    }

    private static HttpResponse<String> get(String path, String accept) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Accept", accept)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
