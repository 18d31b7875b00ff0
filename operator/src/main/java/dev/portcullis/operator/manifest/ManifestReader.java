package dev.portcullis.operator.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.ObjectRef;
import dev.portcullis.operator.translate.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests (YAML, several documents per file, {@code kind: List} too) into a
 * {@link ClusterState}. Kinds translation does not read are skipped; a document that does not
 * parse is a problem naming its file and position, and the rest are still read.
 */
public final class ManifestReader {

    /** What a folder of manifests holds, and what could not be read. */
    public record Manifests(ClusterState state, List<Problem> problems) {
    }

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper MODEL = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final List<Ingress> ingresses = new ArrayList<>();
    private final List<IngressClass> ingressClasses = new ArrayList<>();
    private final List<Secret> secrets = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> endpointSlices = new ArrayList<>();
    private final List<DataPlane> dataPlanes = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    private ManifestReader() {
    }

    /** Every {@code *.yaml} and {@code *.yml} below the folder, in name order. */
    public static Manifests readDirectory(Path directory) throws IOException {
        ManifestReader reader = new ManifestReader();
        for (Path file : manifestFiles(directory)) {
            reader.read(directory.relativize(file).toString(), Files.readString(file));
        }
        return reader.result();
    }

    public static List<Path> manifestFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".yaml") || file.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    public static Manifests readText(String source, String yaml) {
        ManifestReader reader = new ManifestReader();
        reader.read(source, yaml);
        return reader.result();
    }

    private void read(String source, String yaml) {
        int document = 0;
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNextValue()) {
                document++;
                JsonNode node = documents.nextValue();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    readObject(source, document, node);
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(Problem.error(file(source), "ManifestUnreadable", "document " + Math.max(document, 1)
                    + " is not valid YAML: " + firstLine(e.getMessage()) + "; the rest of this file is skipped"));
        }
    }

    private void readObject(String source, int document, JsonNode node) {
        String kind = node.path("kind").asText("");
        String apiVersion = node.path("apiVersion").asText("");
        if (kind.equals("List")) {
            node.path("items").forEach(item -> readObject(source, document, item));
            return;
        }
        try {
            switch (kind) {
                case "Ingress" -> {
                    if (!apiVersion.equals("networking.k8s.io/v1")) {
                        problems.add(Problem.error(file(source), "UnsupportedApiVersion", "document " + document
                                + ": Ingress " + apiVersion + " was removed from Kubernetes in 1.22; use networking.k8s.io/v1"));
                        return;
                    }
                    ingresses.add(MODEL.treeToValue(node, Ingress.class));
                }
                case "IngressClass" -> ingressClasses.add(MODEL.treeToValue(node, IngressClass.class));
                case "Secret" -> secrets.add(MODEL.treeToValue(node, Secret.class));
                case "Service" -> services.add(MODEL.treeToValue(node, Service.class));
                case "EndpointSlice" -> endpointSlices.add(MODEL.treeToValue(node, EndpointSlice.class));
                case "DataPlane" -> dataPlanes.add(MODEL.treeToValue(node, DataPlane.class));
                default -> {
                    // Deployments, ConfigMaps and the like: not ours to read.
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            problems.add(Problem.error(file(source), "ManifestInvalid", "document " + document + " (" + kind + " "
                    + node.path("metadata").path("name").asText("?") + ") does not match its schema: " + firstLine(e.getMessage())));
        }
    }

    private Manifests result() {
        return new Manifests(new ClusterState(ingresses, ingressClasses, secrets, services, endpointSlices, dataPlanes),
                List.copyOf(problems));
    }

    private static ObjectRef file(String source) {
        return ObjectRef.file(source);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
