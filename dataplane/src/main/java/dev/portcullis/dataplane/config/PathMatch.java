package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A path rule. {@code EXACT} matches the path exactly (case-sensitive); {@code PREFIX} matches whole
 * path elements, so {@code /foo} matches {@code /foo} and {@code /foo/bar} but not {@code /foobar};
 * {@code REGEX} is an RE2 regular expression matched from the start of the path (as if it began with
 * {@code ^}, as ingress-nginx writes {@code location ~* "^path"}), not necessarily to its end; case
 * is ignored only where the pattern says so ({@code (?i)}). A host's routes are tried in this order:
 * Exact first; then its Regex routes in the order the host lists them, the first that matches wins;
 * then the longest Prefix.
 */
public record PathMatch(Type type, String path) {

    public enum Type {
        @JsonProperty("Exact") EXACT,
        @JsonProperty("Prefix") PREFIX,
        @JsonProperty("Regex") REGEX
    }

    public static PathMatch exact(String path) {
        return new PathMatch(Type.EXACT, path);
    }

    public static PathMatch prefix(String path) {
        return new PathMatch(Type.PREFIX, path);
    }

    public static PathMatch regex(String pattern) {
        return new PathMatch(Type.REGEX, pattern);
    }
}
