package dev.portcullis.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API server's audit log: one entry per finished request (who, what verb on which resource, the answer). */
public record AuditLog(List<Entry> entries) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RESOURCE_VERSION = Pattern.compile("[?&]resourceVersion=([^&]*)");

    /**
     * One request.
     *
     * @param apiGroup    "" for the core group
     * @param subresource "" when none
     * @param namespace   "" for cluster-scoped requests
     */
    public record Entry(String user, String verb, String apiGroup, String resource, String subresource, String namespace,
                        String name, int code, String requestUri, Instant completed) {

        /** {@code resource} or {@code resource/subresource}, as an RBAC rule names it. */
        public String rbacResource() {
            return subresource.isEmpty() ? resource : resource + "/" + subresource;
        }

        /** The {@code resourceVersion} query parameter, or "" when the request had none. */
        public String requestedResourceVersion() {
            Matcher matcher = RESOURCE_VERSION.matcher(requestUri);
            return matcher.find() ? matcher.group(1) : "";
        }
    }

    public static AuditLog read(Path file) {
        List<Entry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = JSON.readTree(line);
                String stage = event.path("stage").asText();
                if (!stage.equals("ResponseComplete") && !stage.equals("Panic")) {
                    continue;
                }
                JsonNode object = event.path("objectRef");
                entries.add(new Entry(event.at("/user/username").asText(), event.path("verb").asText(),
                        object.path("apiGroup").asText(""), object.path("resource").asText(""),
                        object.path("subresource").asText(""), object.path("namespace").asText(""),
                        object.path("name").asText(""), event.at("/responseStatus/code").asInt(0),
                        event.path("requestURI").asText(), Instant.parse(event.path("stageTimestamp").asText())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AuditLog(List.copyOf(entries));
    }

    public List<Entry> by(String user) {
        return where(entry -> entry.user().equals(user));
    }

    public List<Entry> where(Predicate<Entry> filter) {
        return entries.stream().filter(filter).toList();
    }
}
