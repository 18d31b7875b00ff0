package dev.portcullis.operator.annotation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.dataplane.config.Cors;
import dev.portcullis.dataplane.config.HeaderEdits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The annotations of what a route does to the messages it carries: header edits, CORS (with
 * ingress-nginx's names and defaults) and error pages ({@code custom-http-errors}).
 */
public final class HttpPolicyAnnotations {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String HEADER_EDITS = "YAML or JSON with any of set (name: value), add (name: value) and"
            + " remove (a list of names), e.g. {set: {X-Env: prod}, add: {Via: portcullis}, remove: [X-Debug]}";

    private HttpPolicyAnnotations() {
    }

    static AnnotationParser<HeaderEdits> headerEdits(String name) {
        return new ReadingParser<>(name, HEADER_EDITS, HttpPolicyAnnotations::readHeaderEdits);
    }

    static AnnotationParser<Boolean> flag(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("true", true, "false", false));
    }

    static AnnotationParser<List<String>> corsOrigins(String name) {
        return new ReadingParser<>(name, "* or a comma-separated list of origins such as https://app.example.com,"
                + " https://*.example.com:8443", HttpPolicyAnnotations::readOrigins);
    }

    static AnnotationParser<String> corsNames(String name, String what) {
        return new TextParser(name, "a comma-separated list of " + what + " (or *)",
                Cors::isNameList);
    }

    static AnnotationParser<Long> seconds(String name) {
        return new ReadingParser<>(name, "a whole number of seconds", value -> {
            if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("\"" + value + "\" is not a number of seconds");
            }
            return Long.parseLong(value);
        });
    }

    static AnnotationParser<List<Integer>> errorCodes(String name) {
        return new ReadingParser<>(name, "a comma-separated list of status codes from 400 to 599, e.g. 404,503",
                HttpPolicyAnnotations::readCodes);
    }

    static AnnotationParser<String> serviceName(String name) {
        return new TextParser(name, "the name of a Service in the Ingress's namespace, optionally with its port"
                + " (name:port, by number or name)", value -> value.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(:([0-9]{1,5}|[a-z]([-a-z0-9]{0,13}[a-z0-9])?))?")
                && value.length() <= 80);
    }

    static HeaderEdits readHeaderEdits(String value) {
        JsonNode root;
        try {
            root = YAML.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the value is not YAML (at column " + e.getLocation().getColumnNr()
                    + " of line " + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException("the value is not a mapping of set, add and remove");
        }
        Map<String, String> set = Map.of();
        Map<String, String> add = Map.of();
        List<String> remove = List.of();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            switch (entry.getKey()) {
                case "set" -> set = fields("set", entry.getValue());
                case "add" -> add = fields("add", entry.getValue());
                case "remove" -> remove = names(entry.getValue());
                default -> throw new IllegalArgumentException("\"" + entry.getKey() + "\" is not set, add or remove");
            }
        }
        HeaderEdits edits = new HeaderEdits(set, add, remove);
        List<String> problems = edits.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return edits;
    }

    private static Map<String, String> fields(String key, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(key + " is not a mapping of header names to values");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new IllegalArgumentException(key + ": the value of " + field.getKey() + " is not text");
            }
            if (fields.keySet().stream().anyMatch(field.getKey()::equalsIgnoreCase)) {
                throw new IllegalArgumentException(key + " names " + field.getKey() + " twice");
            }
            fields.put(field.getKey(), field.getValue().asText());
        }
        return fields;
    }

    private static List<String> names(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("remove is not a list of header names");
        }
        List<String> names = new ArrayList<>();
        node.forEach(name -> {
            if (!name.isTextual()) {
                throw new IllegalArgumentException("remove: " + name + " is not a header name");
            }
            names.add(name.asText());
        });
        return names;
    }

    static List<String> readOrigins(String value) {
        List<String> origins = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String origin = raw.trim().toLowerCase(Locale.ROOT);
            if (origin.endsWith("/")) {
                origin = origin.substring(0, origin.length() - 1);
            }
            if (!origin.equals(Cors.ANY_ORIGIN) && !Cors.ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException("\"" + raw.trim() + "\" is not an origin");
            }
            if (!origins.contains(origin)) {
                origins.add(origin);
            }
        }
        if (origins.size() > 1 && origins.contains(Cors.ANY_ORIGIN)) {
            throw new IllegalArgumentException("* allows every origin and cannot be listed with others");
        }
        return List.copyOf(origins);
    }

    static List<Integer> readCodes(String value) {
        TreeSet<Integer> codes = new TreeSet<>();
        for (String raw : value.split(",", -1)) {
            String code = raw.trim();
            if (code.length() != 3 || !code.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("\"" + code + "\" is not a status code");
            }
            int number = Integer.parseInt(code);
            if (number < 400 || number > 599) {
                throw new IllegalArgumentException(number + " is not an error status (400 to 599)");
            }
            codes.add(number);
        }
        return List.copyOf(codes);
    }
}
