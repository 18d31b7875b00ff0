package dev.portcullis.e2e;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.portcullis.testkit.KubeBinaries;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every object the chart renders, with default values and with every option on (and the other value
 * sets below), is sent to a real API server (kube-apiserver {@link KubeBinaries#VERSION}, 1.37.2) as
 * the create that {@code helm install} makes, with {@code dryRun=All} and
 * {@code fieldValidation=Strict}: the {@code kubectl apply --dry-run=server} check, where an unknown
 * or duplicated field, a wrong type or a value the schema refuses fails the test. The chart's CRDs are installed first (for the DataPlane),
 * and the CRDs of other projects whose kinds a chart may render (prometheus-operator's) from
 * {@code src/test/resources/third-party-crds}. An object of a kind the server does not serve is
 * reported skipped, with its kind, rather than passed.
 */
@RealApiServerTest
class ChartSchemaOnRealApiServerTest {

    private static final Path CHART = Path.of("../charts/portcullis");
    private static final Path THIRD_PARTY_CRDS = Path.of("src/test/resources/third-party-crds");
    private static final String NAMESPACE = "portcullis";
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    // Duplicate keys are an error (a chart that renders one key twice would otherwise lose one silently here).
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    static RealApiServer server;
    private static KubernetesClient admin;

    @BeforeAll
    static void installCrdsAndNamespace() throws IOException {
        admin = server.adminClient();
        for (Path crds : yamlFiles(CHART.resolve("crds"))) {
            RealApiServer.installCrds(admin, crds);
        }
        for (Path crds : yamlFiles(THIRD_PARTY_CRDS)) {
            RealApiServer.installCrds(admin, crds);
        }
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
    }

    @AfterAll
    static void closeClient() {
        if (admin != null) {
            admin.close();
        }
    }

    /** Values, and text their rendering must contain: proof that they took effect. */
    private record ValueSet(String name, UnaryOperator<TemplateCommand> values, List<String> renders) {
    }

    /** The value sets: the defaults, every option on, and the variants between. */
    private static List<ValueSet> valueSets() throws IOException {
        List<ValueSet> sets = new ArrayList<>();
        sets.add(new ValueSet("default values", command -> command, List.of("ghcr.io/portcullis/portcullis-dataplane:0.1.0")));
        Path everything = Files.writeString(Files.createTempFile(Path.of("target"), "values-everything", ".yaml"), """
                imagePullSecrets: [{name: registry-credentials}]
                operator:
                  image: {repository: registry.example/mirror/portcullis-operator, tag: 0.1.0-rc.1, digest: %1$s, pullPolicy: Always}
                  replicas: 3
                  publishAddress: 203.0.113.10
                  resources:
                    requests: {cpu: 200m, memory: 300Mi}
                    limits: {cpu: "2", memory: 600Mi}
                  jvmOptions: "-XX:MaxRAMPercentage=60 -XX:+UseSerialGC"
                  nodeSelector: {kubernetes.io/os: linux, node-role.example/ingress: "true"}
                  tolerations:
                    - {key: dedicated, operator: Equal, value: ingress, effect: NoSchedule}
                  affinity:
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                        - weight: 100
                          podAffinityTerm:
                            topologyKey: kubernetes.io/hostname
                            labelSelector: {matchLabels: {app.kubernetes.io/name: portcullis-operator}}
                ingressClass: {name: edge}
                dataPlane:
                  name: edge
                  replicas: 3
                  image: {repository: registry.example/mirror/portcullis-dataplane, tag: 0.1.0-rc.1, digest: %1$s, pullPolicy: IfNotPresent}
                  service:
                    type: LoadBalancer
                    externalTrafficPolicy: Cluster
                    annotations: {service.beta.kubernetes.io/aws-load-balancer-type: nlb}
                    httpPort: 8080
                    httpsPort: 8443
                  resources:
                    requests: {cpu: 500m, memory: 384Mi}
                    limits: {cpu: "4", memory: 1Gi}
                  podDisruptionBudget: {minAvailable: "50%%"}
                  tls: {minVersion: "1.3", defaultCertificateSecret: edge-default-certificate}
                """.formatted(DIGEST));
        List<String> switches = booleanValues();
        sets.add(new ValueSet("every option set and every switch on " + switches, command -> {
            TemplateCommand withValues = command.withValuesFile(everything);
            for (String key : switches) {
                withValues = withValues.set(key, true);
            }
            return withValues;
        }, List.of("registry.example/mirror/portcullis-dataplane:0.1.0-rc.1@" + DIGEST, "registry-credentials", "podAntiAffinity",
                "aws-load-balancer-type", "ingressclass.kubernetes.io/is-default-class", "--publish-address=203.0.113.10",
                "edge-default-certificate", "50%")));
        sets.add(new ValueSet("a NodePort Service, no PodDisruptionBudget, no leader election", command -> command
                .set("dataPlane.service.type", "NodePort").set("dataPlane.podDisruptionBudget.enabled", false)
                .set("operator.leaderElection", false).set("operator.replicas", 1),
                List.of("NodePort", "--leader-election=false")));
        sets.add(new ValueSet("a ClusterIP Service, images pinned by digest only", command -> command
                .set("dataPlane.service.type", "ClusterIP").set("operator.image.digest", DIGEST)
                .set("dataPlane.image.digest", DIGEST),
                List.of("ClusterIP", "ghcr.io/portcullis/portcullis-operator@" + DIGEST)));
        sets.add(new ValueSet("every switch off " + switches, command -> {
            TemplateCommand withValues = command.set("operator.jvmOptions", "");
            for (String key : switches) {
                withValues = withValues.set(key, false);
            }
            return withValues;
        }, List.of("--leader-election=false")));
        return sets;
    }

    @TestFactory
    Stream<DynamicContainer> everyRenderedObjectPassesTheServersStrictValidation() throws IOException {
        List<DynamicContainer> containers = new ArrayList<>();
        for (ValueSet set : valueSets()) {
            List<JsonNode> objects = render(set.values());
            assertThat(objects.toString()).as(set.name() + ": the values took effect").contains(set.renders());
            containers.add(DynamicContainer.dynamicContainer(set.name(), objects.stream().map(object ->
                    DynamicTest.dynamicTest(describe(object), () -> validate(object)))));
        }
        return containers.stream();
    }

    @Test
    void theSameCheckRejectsAnUnknownFieldAWrongTypeAndADuplicateKey() throws IOException {
        List<JsonNode> objects = render(command -> command);

        ObjectNode deployment = only(objects, "Deployment").deepCopy();
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).put("imagePullPolicyy", "Always");
        assertThatThrownBy(() -> validate(deployment)).hasMessageContaining("refuses Deployment portcullis/portcullis-operator")
                .hasMessageContaining("unknown field").hasMessageContaining("imagePullPolicyy");

        ObjectNode dataPlane = only(objects, "DataPlane").deepCopy();
        ((ObjectNode) dataPlane.path("spec")).put("replicaz", 3);
        assertThatThrownBy(() -> validate(dataPlane)).hasMessageContaining("refuses DataPlane portcullis/portcullis")
                .hasMessageContaining("unknown field").hasMessageContaining("replicaz");

        ObjectNode wrongType = only(objects, "DataPlane").deepCopy();
        ((ObjectNode) wrongType.path("spec")).put("replicas", "two");
        assertThatThrownBy(() -> validate(wrongType)).hasMessageContaining("refuses DataPlane")
                .hasMessageContaining("spec.replicas");

        assertThatThrownBy(() -> YAML.readTree("kind: Service\nmetadata: {name: a}\nmetadata: {name: b}\n"))
                .hasMessageContaining("Duplicate field 'metadata'");
    }

    @Test
    void theDryRunLeavesNothingBehind() throws IOException {
        for (JsonNode object : render(command -> command)) {
            String kind = object.path("kind").asText();
            if (!kind.equals("CustomResourceDefinition") && served(object.path("apiVersion").asText(), kind).isPresent()) {
                validate(object);
            }
        }
        assertThat(admin.apps().deployments().inNamespace(NAMESPACE).list().getItems()).isEmpty();
        assertThat(admin.genericKubernetesResources("portcullis.dev/v1alpha1", "DataPlane").inNamespace(NAMESPACE).list()
                .getItems()).isEmpty();
        assertThat(admin.rbac().clusterRoles().withName("portcullis-operator").get()).isNull();
    }

    /** A create as helm install makes it, but a dry run with strict field validation; throws the server's refusal. */
    private static void validate(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        Optional<APIResource> served = served(apiVersion, kind);
        Assumptions.assumeTrue(served.isPresent(), () -> "the API server serves no " + kind + " in " + apiVersion
                + ": no CRD for it in the chart's crds/ or in " + THIRD_PARTY_CRDS + ", so it cannot be validated");
        GenericKubernetesResource resource = Serialization.unmarshal(object.toString(), GenericKubernetesResource.class);
        if (served.get().getNamespaced()) {
            assertThat(resource.getMetadata().getNamespace()).as("a namespaced object names its namespace").isEqualTo(NAMESPACE);
        } else {
            assertThat(resource.getMetadata().getNamespace()).as("a cluster-scoped object names no namespace").isNull();
        }
        GenericKubernetesResource created;
        try {
            try {
                created = admin.resource(resource).dryRun().fieldValidation(FieldValidateable.Validation.STRICT).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Only what this test installed for real exists (a CRD): applied over it, still a dry run.
                created = admin.resource(resource).dryRun().fieldValidation(FieldValidateable.Validation.STRICT)
                        .fieldManager("helm").forceConflicts().serverSideApply();
            }
        } catch (KubernetesClientException e) {
            throw new AssertionError("the API server refuses " + describe(object) + ": HTTP " + e.getCode() + " "
                    + Optional.ofNullable(e.getStatus()).map(status -> status.getMessage()).orElse(e.getMessage()), e);
        }
        assertThat(created.getKind()).isEqualTo(kind);
    }

    private static Optional<APIResource> served(String apiVersion, String kind) {
        APIResourceList resources;
        try {
            resources = admin.getApiResources(apiVersion);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        return resources == null ? Optional.empty() : resources.getResources().stream()
                .filter(resource -> resource.getKind().equals(kind) && !resource.getName().contains("/")).findFirst();
    }

    private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) throws IOException {
        String rendered = values.apply(new Helm(CHART).template().withName("portcullis").withNamespace(NAMESPACE)
                .withKubeVersion(KubeBinaries.VERSION)).call();
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

    /** The dotted keys of every boolean in values.yaml: the chart's switches, whatever they are now. */
    private static List<String> booleanValues() throws IOException {
        List<String> keys = new ArrayList<>();
        collectBooleans("", YAML.readTree(CHART.resolve("values.yaml").toFile()), keys);
        assertThat(keys).contains("ingressClass.create", "dataPlane.create");
        return keys;
    }

    private static void collectBooleans(String prefix, JsonNode node, List<String> keys) {
        node.properties().forEach(entry -> {
            String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            if (entry.getValue().isBoolean()) {
                keys.add(key);
            } else if (entry.getValue().isObject()) {
                collectBooleans(key, entry.getValue(), keys);
            }
        });
    }

    private static String describe(JsonNode object) {
        String namespace = object.at("/metadata/namespace").asText();
        return object.path("kind").asText() + " " + (namespace.isEmpty() ? "" : namespace + "/") + object.at("/metadata/name").asText()
                + " (" + object.path("apiVersion").asText() + ")";
    }

    private static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> matching = objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
        assertThat(matching).as(kind).hasSize(1);
        return matching.getFirst();
    }

    private static List<Path> yamlFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            List<Path> found = files.filter(file -> file.toString().endsWith(".yml") || file.toString().endsWith(".yaml"))
                    .sorted().toList();
            assertThat(found).as("CRDs in " + folder).isNotEmpty();
            return found;
        }
    }
}
