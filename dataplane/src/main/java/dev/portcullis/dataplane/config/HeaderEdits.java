package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Edits to the header fields of a request on its way to the pod, or of a response on its way to
 * the client. Applied in this order: {@code remove} drops every field of each name, {@code set}
 * replaces every field of its name with one, {@code add} appends one more field.
 *
 * <p>Fields that frame the message or belong to one connection ({@link #RESERVED}) cannot be
 * edited: changing them would desynchronise the proxy and its peers.
 */
public record HeaderEdits(@JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> set,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> add,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> remove) {

    /** Connection-specific and framing fields, and HTTP/2 pseudo-headers (which start with ':'). */
    public static final Set<String> RESERVED = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "content-length", "te", "trailer", "upgrade", "http2-settings");

    public HeaderEdits {
        set = set == null ? Map.of() : new TreeMap<>(set);
        add = add == null ? Map.of() : new TreeMap<>(add);
        remove = Lists.copyOrEmpty(remove);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return set.isEmpty() && add.isEmpty() && remove.isEmpty();
    }

    /** What is wrong with these edits, one message per problem; empty when they can be applied. */
    @JsonIgnore
    public List<String> problems() {
        List<String> problems = new java.util.ArrayList<>();
        remove.forEach(name -> nameProblem(name, problems));
        set.forEach((name, value) -> fieldProblem(name, value, problems));
        add.forEach((name, value) -> fieldProblem(name, value, problems));
        return problems;
    }

    private static void fieldProblem(String name, String value, List<String> problems) {
        nameProblem(name, problems);
        if (value == null || !validValue(value)) {
            problems.add("the value of " + name + " must be visible ASCII, spaces and tabs only (no line breaks)");
        }
    }

    private static void nameProblem(String name, List<String> problems) {
        if (name == null || !isToken(name)) {
            problems.add("\"" + name + "\" is not a header field name (letters, digits and !#$%&'*+-.^_`|~)");
        } else if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            problems.add(name + " frames the message or belongs to one connection and cannot be edited");
        }
    }

    /** An RFC 9110 token: what a field name is made of. */
    public static boolean isToken(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Visible ASCII, spaces and tabs, without leading or trailing white space. */
    public static boolean validValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                return false;
            }
        }
        return value.equals(value.strip());
    }
}
