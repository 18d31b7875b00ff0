package dev.portcullis.operator.manifest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.ObjectRef;
import dev.portcullis.operator.translate.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Kubernetes manifests (YAML, several documents per file, {@code kind: List} too) into a
 * {@link ClusterState}. Kinds translation does not read are skipped; a document that does not
 * parse is a problem naming its file and position, and the rest are still read.
 *
 * <p>The files are untrusted input, read within limits: each is UTF-8 text of at most
 * {@link #MAX_FILE_BYTES}, nested at most {@link #MAX_NESTING_DEPTH} levels deep, without YAML
 * aliases ({@code *name}: Jackson would read one as the plain string {@code name}, so a manifest
 * using them would silently mean something else, and refusing them also rules out alias bombs). A
 * file outside these limits is one problem naming it; nothing is thrown.
 */
public final class ManifestReader {

    /** What a folder of manifests holds, and what could not be read. */
    public record Manifests(ClusterState state, List<Problem> problems) {
    }

    /** Kubernetes keeps each object under 1.5 MiB; a file may hold many, but not without bound. */
    public static final int MAX_FILE_BYTES = 8 * 1024 * 1024;
    /** Manifests nest about 15 levels deep; a CRD's schema perhaps 40. */
    public static final int MAX_NESTING_DEPTH = 100;

    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxDocumentLength(MAX_FILE_BYTES)
                    .maxStringLength(MAX_FILE_BYTES)
                    .build())
            .build());
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
            String source = directory.relativize(file).toString();
            String text = reader.text(source, file);
            if (text != null) {
                reader.read(source, text);
            }
        }
        return reader.result();
    }

    /**
     * Every manifest file below the folder; a sub-folder that cannot be listed is an IOException. A file
     * that vanishes while the folder is walked (an editor's or another serve's temporary) is no error:
     * the folder's watcher sees the change and reads it again.
     */
    public static List<Path> manifestFiles(Path directory) throws IOException {
        List<Path> manifests = new ArrayList<>();
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = file.getFileName().toString();
                if ((name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(file)) {
                    manifests.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException && !file.equals(directory)) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        manifests.sort(null);
        return manifests;
    }

    public static Manifests readText(String source, String yaml) {
        ManifestReader reader = new ManifestReader();
        reader.read(source, yaml);
        return reader.result();
    }

    /** The file as text, or {@code null}: gone, or with a problem saying why it cannot be: too large, binary, not UTF-8, unreadable. */
    private String text(String source, Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            return null; // deleted since the folder was listed: it is not there to serve
        } catch (IOException e) {
            return unreadable(source, "cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"));
        }
        return decode(source, bytes);
    }

    private String decode(String source, byte[] bytes) {
        if (bytes.length > MAX_FILE_BYTES) {
            return unreadable(source, "is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                    + " MiB, the limit per manifest file; split it into several files");
        }
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            return unreadable(source, "is UTF-16 text; manifests are read as UTF-8: save it as UTF-8");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return unreadable(source, "is binary (a NUL byte on line " + lineAt(bytes, i)
                        + "), not YAML text");
            }
        }
        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF
                ? 3 : 0; // a UTF-8 byte order mark, as some editors write: read past it, as kubectl does
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            return unreadable(source, "is not UTF-8 text (byte 0x" + String.format("%02X", bytes[at] & 0xFF)
                    + " on line " + lineAt(bytes, at) + "); save it as UTF-8");
        }
        return out.flip().toString();
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private String unreadable(String source, String why) {
        problems.add(Problem.error(file(source), "ManifestUnreadable", why + "; nothing in this file is read"));
        return null;
    }

    private void read(String source, String yaml) {
        int document = 0;
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class)
                .readValues(new NoAliases(YAML.getFactory().createParser(yaml)))) {
            while (documents.hasNextValue()) {
                document++;
                JsonNode node = documents.nextValue();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    readObject(source, document, node);
                }
            }
        } catch (StreamConstraintsException e) {
            problems.add(Problem.error(file(source), "ManifestUnreadable", "document " + Math.max(document, 1)
                    + " nests deeper than " + MAX_NESTING_DEPTH + " levels; the rest of this file is skipped"));
        } catch (IOException | RuntimeException | StackOverflowError e) {
            problems.add(Problem.error(file(source), "ManifestUnreadable", "document " + Math.max(document, 1)
                    + " is not valid YAML: " + firstLine(e.getMessage()) + "; the rest of this file is skipped"));
        }
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_FILE_BYTES); // the byte limit comes first; this only backs it up
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setMaxAliasesForCollections(0); // aliases are refused anyway (NoAliases)
        options.setAllowRecursiveKeys(false);
        return options;
    }

    /**
     * Refuses a YAML alias where Jackson would read it as a string: {@code *base} becomes the text
     * "base" and {@code <<: *base} a key named "<<", so the manifest would be read as something
     * other than what kubectl applies. Refused, it is a problem the user sees.
     */
    private static final class NoAliases extends JsonParserDelegate {
        NoAliases(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return refuseAlias(super.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            return refuseAlias(super.nextValue());
        }

        @Override
        public String nextFieldName() throws IOException {
            String name = super.nextFieldName();
            refuseAlias(null);
            return name;
        }

        private JsonToken refuseAlias(JsonToken token) throws IOException {
            if (delegate instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                throw new JsonParseException(this, "YAML aliases (*" + yaml.getText()
                        + ") are not supported; write the value out in full (line "
                        + yaml.currentLocation().getLineNr() + ")");
            }
            return token;
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
