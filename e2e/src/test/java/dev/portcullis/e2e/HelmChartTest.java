package dev.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Helm chart, linted strictly and rendered with several value sets, checked for what it renders. */
class HelmChartTest {

    private static final Path CHART = Path.of("../charts/portcullis");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void passesStrictLint() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void theChartsCrdIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(CHART.resolve("crds/dataplanes.portcullis.dev-v1.yml")))
                .as("copy crds/dataplanes.portcullis.dev-v1.yml into the chart")
                .isEqualTo(Files.readString(Path.of("../crds/dataplanes.portcullis.dev-v1.yml")));
    }

    @Test
    void defaultsRenderTheOperatorRbacIngressClassAndADataPlane() throws IOException {
        List<JsonNode> objects = render(command -> command);
        assertThat(objects).extracting(object -> object.path("kind").asText())
                .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                        "Deployment", "Service", "IngressClass", "DataPlane");

        JsonNode operator = only(objects, "Deployment");
        assertThat(operator.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode pod = operator.at("/spec/template/spec");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        JsonNode container = pod.at("/containers/0");
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
        assertThat(container.at("/args").toString()).contains("--leader-election=true", "--namespace=portcullis");
        assertThat(container.at("/env/0/name").asText()).isEqualTo("JAVA_TOOL_OPTIONS");
        assertThat(container.at("/env/0/value").asText()).contains("-XX:MaxRAMPercentage=50", "-XX:+UseSerialGC");

        JsonNode clusterRole = only(objects, "ClusterRole");
        for (JsonNode rule : clusterRole.path("rules")) {
            assertThat(rule.path("verbs").toString()).as("no wildcard verbs").doesNotContain("\"*\"");
            assertThat(rule.path("resources").toString()).as("no wildcard resources").doesNotContain("\"*\"");
            if (rule.path("resources").toString().contains("\"secrets\"")) {
                assertThat(rule.path("verbs").toString()).as("Secrets are never deleted").doesNotContain("delete");
            }
            if (rule.path("resources").toString().contains("\"ingresses\"")) {
                assertThat(rule.path("verbs").toString()).as("Ingresses themselves are only read")
                        .doesNotContain("create", "update", "patch", "delete");
            }
        }
        assertThat(clusterRole.path("rules").toString()).doesNotContain("leases");
        assertThat(only(objects, "Role").path("rules").toString()).contains("leases");

        assertThat(only(objects, "IngressClass").at("/metadata/annotations").isMissingNode()).isTrue();
        JsonNode dataPlane = only(objects, "DataPlane");
        assertThat(dataPlane.at("/spec/service/type").asText()).isEqualTo("LoadBalancer");
        assertThat(dataPlane.at("/spec/image").asText()).isEqualTo("ghcr.io/portcullis/portcullis-dataplane:0.1.0");
        // Data plane pods come from the DataPlane reconciler (no token, hardened): none are rendered here.
        assertThat(objects.stream().filter(object -> object.path("kind").asText().equals("Deployment"))).hasSize(1);
    }

    @Test
    void valuesChangeWhatRenders() throws IOException {
        List<JsonNode> objects = render(command -> command
                .set("ingressClass.default", true)
                .set("dataPlane.create", false)
                .set("operator.publishAddress", "203.0.113.10")
                .set("operator.replicas", 3));
        assertThat(only(objects, "IngressClass").at("/metadata/annotations").toString())
                .contains("ingressclass.kubernetes.io/is-default-class");
        assertThat(objects).noneMatch(object -> object.path("kind").asText().equals("DataPlane"));
        assertThat(only(objects, "Deployment").at("/spec/template/spec/containers/0/args").toString())
                .contains("--publish-address=203.0.113.10");
        assertThat(only(objects, "Deployment").at("/spec/replicas").asInt()).isEqualTo(3);

        List<JsonNode> internal = render(command -> command.set("dataPlane.service.type", "ClusterIP"));
        assertThat(only(internal, "DataPlane").at("/spec/service/externalTrafficPolicy").isMissingNode()).isTrue();
    }

    @Test
    void imagesDefaultToTheReleasedNamesAndCanBePinnedByDigest() throws IOException {
        List<JsonNode> defaults = render(command -> command);
        assertThat(only(defaults, "Deployment").at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("ghcr.io/portcullis/portcullis-operator:0.1.0");
        assertThat(only(defaults, "Deployment").at("/spec/template/spec/imagePullSecrets").isMissingNode()).isTrue();

        String digest = "sha256:" + "ab".repeat(32);
        List<JsonNode> pinned = render(command -> command
                .set("operator.image.repository", "registry.example/mirror/operator")
                .set("operator.image.digest", digest)
                .set("dataPlane.image.tag", "0.1.0-rc1")
                .set("dataPlane.image.digest", digest)
                .set("dataPlane.image.pullPolicy", "Always")
                .set("imagePullSecrets[0].name", "registry-credentials"));
        assertThat(only(pinned, "Deployment").at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("registry.example/mirror/operator@" + digest);
        assertThat(only(pinned, "Deployment").at("/spec/template/spec/imagePullSecrets/0/name").asText())
                .isEqualTo("registry-credentials");
        JsonNode dataPlane = only(pinned, "DataPlane");
        assertThat(dataPlane.at("/spec/image").asText())
                .isEqualTo("ghcr.io/portcullis/portcullis-dataplane:0.1.0-rc1@" + digest);
        assertThat(dataPlane.at("/spec/imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(dataPlane.at("/spec/imagePullSecrets/0/name").asText()).isEqualTo("registry-credentials");

        assertThatThrownBy(() -> render(command -> command.set("operator.image.digest", "latest")))
                .hasMessageContaining("digest");
    }

    @Test
    void theImagesTheBuildMakesAreTheImagesTheChartAndTheOperatorDeploy() throws Exception {
        var pom = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("../pom.xml").toFile());
        String registry = pom.getElementsByTagName("portcullis.image.registry").item(0).getTextContent();
        String tag = pom.getElementsByTagName("portcullis.image.tag").item(0).getTextContent();
        String appVersion = YAML.readTree(CHART.resolve("Chart.yaml").toFile()).path("appVersion").asText();
        assertThat(tag).as("the images' tag is the chart's appVersion").isEqualTo(appVersion);
        List<JsonNode> objects = render(command -> command);
        assertThat(only(objects, "Deployment").at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo(registry + "/portcullis-operator:" + tag);
        assertThat(only(objects, "DataPlane").at("/spec/image").asText())
                .isEqualTo(registry + "/portcullis-dataplane:" + tag)
                .isEqualTo(dev.portcullis.operator.deploy.DataPlaneResources.DEFAULT_IMAGE);
    }

    @Test
    void theSchemaRejectsBadValues() {
        assertThatThrownBy(() -> render(command -> command.set("dataPlane.service.type", "Magic")))
                .hasMessageContaining("type");
        assertThatThrownBy(() -> render(command -> command.set("dataPlane.tls.minVersion", "1.1")))
                .hasMessageContaining("minVersion");
        assertThatThrownBy(() -> render(command -> command.set("operator.replicaz", 2)))
                .hasMessageContaining("replicaz");
        assertThatThrownBy(() -> render(command -> command.set("metrics.serviceMonitor.enable", true)))
                .hasMessageContaining("enable");
        assertThatThrownBy(() -> render(command -> command.set("metrics.prometheusRule.errorRatio", "five percent")))
                .hasMessageContaining("errorRatio");
        assertThatThrownBy(() -> render(command -> command.set("metrics.prometheusRule.errorRatio", 2)))
                .hasMessageContaining("errorRatio");
        assertThatThrownBy(() -> render(command -> command.set("metrics.serviceMonitor.interval", "often")))
                .hasMessageContaining("interval");
    }

    static List<JsonNode> render(UnaryOperator<TemplateCommand> values) throws IOException {
        String rendered = values.apply(new Helm(CHART).template().withName("portcullis").withNamespace("portcullis")
                .withKubeVersion("1.31.0")).call();
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

    static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> matching = objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
        assertThat(matching).as(kind).hasSize(1);
        return matching.getFirst();
    }

    @SuppressWarnings("unused")
    private static Map<String, Object> none() {
        return Map.of();
    }
}
