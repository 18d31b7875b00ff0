package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A path rule with Ingress semantics: {@code EXACT} matches the path exactly (case-sensitive);
 * {@code PREFIX} matches whole path elements, so {@code /foo} matches {@code /foo} and
 * {@code /foo/bar} but not {@code /foobar}. Exact wins over prefix, and the longest prefix wins.
 */
public record PathMatch(Type type, String path) {

    public enum Type {
        @JsonProperty("Exact") EXACT,
        @JsonProperty("Prefix") PREFIX
    }

    public static PathMatch exact(String path) {
        return new PathMatch(Type.EXACT, path);
    }

    public static PathMatch prefix(String path) {
        return new PathMatch(Type.PREFIX, path);
    }
}
