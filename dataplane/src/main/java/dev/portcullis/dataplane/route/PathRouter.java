package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.PathMatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the target for a request path with Ingress rules: an Exact match first, then the longest
 * Prefix, where a prefix matches whole path elements ({@code /foo} matches {@code /foo/bar}, not
 * {@code /foobar}) and a trailing slash on the prefix is ignored. Matching is case-sensitive.
 */
public final class PathRouter<T> {

    private record Prefix<T>(String path, T target) {
    }

    private final Map<String, T> exact;
    private final List<Prefix<T>> prefixesLongestFirst;

    private PathRouter(Map<String, T> exact, List<Prefix<T>> prefixesLongestFirst) {
        this.exact = exact;
        this.prefixesLongestFirst = prefixesLongestFirst;
    }

    /** The first rule given for a match wins when two normalize to the same prefix. */
    public static <T> PathRouter<T> of(List<Map.Entry<PathMatch, T>> rules) {
        Map<String, T> exact = new HashMap<>();
        List<Prefix<T>> prefixes = new ArrayList<>();
        for (Map.Entry<PathMatch, T> rule : rules) {
            PathMatch match = rule.getKey();
            switch (match.type()) {
                case EXACT -> exact.putIfAbsent(match.path(), rule.getValue());
                case PREFIX -> prefixes.add(new Prefix<>(withoutTrailingSlash(match.path()), rule.getValue()));
            }
        }
        prefixes.sort(Comparator.comparingInt((Prefix<T> prefix) -> prefix.path().length()).reversed());
        return new PathRouter<>(Map.copyOf(exact), List.copyOf(prefixes));
    }

    /** The target for a path (no query string), or {@code null} when no rule matches. */
    public T route(String path) {
        T target = exact.get(path);
        if (target != null) {
            return target;
        }
        for (Prefix<T> prefix : prefixesLongestFirst) {
            if (matchesElementWise(prefix.path(), path)) {
                return prefix.target();
            }
        }
        return null;
    }

    private static boolean matchesElementWise(String prefix, String path) {
        if (prefix.isEmpty()) {
            return true; // "/" matches every path
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    private static String withoutTrailingSlash(String path) {
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }
}
