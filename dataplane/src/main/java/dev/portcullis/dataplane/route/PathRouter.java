package dev.portcullis.dataplane.route;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.PathPatterns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the target for a request path: an Exact match first; then the Regex rules in the order
 * given, the first whose pattern matches from the start of the path wins; then the longest Prefix,
 * where a prefix matches whole path elements ({@code /foo} matches {@code /foo/bar}, not
 * {@code /foobar}) and a trailing slash on the prefix is ignored. Exact and Prefix are
 * case-sensitive; a Regex ignores case only when its pattern says so. Regular expressions are
 * compiled here, once per snapshot (RE2/J: linear time, {@link PathPatterns}), never per request.
 */
public final class PathRouter<T> {

    private record Prefix<T>(String path, T target) {
    }

    private record Regex<T>(Pattern pattern, T target) {
    }

    /**
     * What a path matched: the target and, for a Regex rule, what its groups captured ({@code groups[0]}
     * the whole match; {@code null} for a group that took no part); for Exact and Prefix rules,
     * {@code groups} is the path alone.
     */
    public record Match<T>(T target, String[] groups) {
    }

    private final Map<String, T> exact;
    private final List<Regex<T>> regexes;
    private final List<Prefix<T>> prefixesLongestFirst;

    private PathRouter(Map<String, T> exact, List<Regex<T>> regexes, List<Prefix<T>> prefixesLongestFirst) {
        this.exact = exact;
        this.regexes = regexes;
        this.prefixesLongestFirst = prefixesLongestFirst;
    }

    /**
     * The first rule given for a match wins when two normalize to the same prefix. A Regex rule whose
     * pattern does not compile is an {@link IllegalArgumentException} (snapshot validation refuses it first).
     */
    public static <T> PathRouter<T> of(List<Map.Entry<PathMatch, T>> rules) {
        Map<String, T> exact = new HashMap<>();
        List<Regex<T>> regexes = new ArrayList<>();
        List<Prefix<T>> prefixes = new ArrayList<>();
        for (Map.Entry<PathMatch, T> rule : rules) {
            PathMatch match = rule.getKey();
            switch (match.type()) {
                case EXACT -> exact.putIfAbsent(match.path(), rule.getValue());
                case PREFIX -> prefixes.add(new Prefix<>(withoutTrailingSlash(match.path()), rule.getValue()));
                case REGEX -> regexes.add(new Regex<>(PathPatterns.compile(match.path()), rule.getValue()));
            }
        }
        prefixes.sort(Comparator.comparingInt((Prefix<T> prefix) -> prefix.path().length()).reversed());
        return new PathRouter<>(Map.copyOf(exact), List.copyOf(regexes), List.copyOf(prefixes));
    }

    /** The target for a path (no query string), or {@code null} when no rule matches. */
    public T route(String path) {
        T target = exact.get(path);
        if (target != null) {
            return target;
        }
        for (Regex<T> regex : regexes) {
            if (regex.pattern().matcher(path).lookingAt()) {
                return regex.target();
            }
        }
        return longestPrefix(path);
    }

    /** As {@link #route}, with what a Regex rule captured; {@code null} when no rule matches. */
    public Match<T> match(String path) {
        T target = exact.get(path);
        if (target != null) {
            return new Match<>(target, new String[] {path});
        }
        for (Regex<T> regex : regexes) {
            Matcher matcher = regex.pattern().matcher(path);
            if (matcher.lookingAt()) {
                String[] groups = new String[matcher.groupCount() + 1];
                for (int i = 0; i < groups.length; i++) {
                    groups[i] = matcher.group(i);
                }
                return new Match<>(regex.target(), groups);
            }
        }
        target = longestPrefix(path);
        return target == null ? null : new Match<>(target, new String[] {path});
    }

    private T longestPrefix(String path) {
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
