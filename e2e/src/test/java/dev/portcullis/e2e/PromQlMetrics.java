package dev.portcullis.e2e;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (or a Grafana {@code label_values(...)} query) reads: what
 * is left once strings, label matchers, ranges, grouping label lists, Grafana variables, numbers,
 * durations, keywords and everything called like a function are taken out.
 */
final class PromQlMetrics {

    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern GRAFANA_VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+|\\[\\[\\w+]]");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*(?:(.*),)?\\s*[a-zA-Z_]\\w*\\s*\\)\\s*$");
    /** A number or a duration (5m, 1h30m, 0.99, 1e3) first, so its letters never read as a name. */
    private static final Pattern TOKENS = Pattern.compile("(?<number>\\d[\\w.]*)|(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "atan2", "start", "end");

    private PromQlMetrics() {
    }

    /** The metric names {@code query} reads, in order of appearance. */
    static Set<String> in(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        if (labelValues.matches()) {
            return labelValues.group(1) == null ? Set.of() : in(labelValues.group(1));
        }
        String expression = STRINGS.matcher(query).replaceAll(" ");
        expression = MATCHERS.matcher(expression).replaceAll(" ");
        expression = RANGES.matcher(expression).replaceAll(" ");
        expression = LABEL_LISTS.matcher(expression).replaceAll(" ");
        expression = GRAFANA_VARIABLES.matcher(expression).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher token = TOKENS.matcher(expression);
        while (token.find()) {
            String name = token.group("name");
            if (name != null && token.group("call") == null && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }
}
