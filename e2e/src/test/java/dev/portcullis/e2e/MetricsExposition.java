package dev.portcullis.e2e;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Prometheus text exposition (what {@code /metrics} answers): the names of its samples and the
 * type of each family, so a name a query reads can be traced to the family that produces it.
 */
record MetricsExposition(String source, Set<String> samples, Map<String, String> types) {

    private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum");
    private static final List<String> SUMMARY_SUFFIXES = List.of("_count", "_sum");

    static MetricsExposition parse(String source, String text) {
        Set<String> samples = new HashSet<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                samples.add(line.substring(0, end));
            }
        }
        return new MetricsExposition(source, Set.copyOf(samples), Map.copyOf(types));
    }

    /**
     * The family a queried name belongs to, or null: the name itself when a family of that name
     * has samples, else the histogram (for _bucket, _count, _sum) or summary (_count, _sum) that
     * the suffix is one of the series of; counters are typed under their name with or without _total.
     */
    String familyOf(String name) {
        if (!samples.contains(name)) {
            return null;
        }
        for (String suffix : HISTOGRAM_SUFFIXES) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type) && SUMMARY_SUFFIXES.contains(suffix)) {
                    return base;
                }
            }
        }
        if (types.containsKey(name)) {
            return name;
        }
        if (name.endsWith("_total") && "counter".equals(types.get(name.substring(0, name.length() - "_total".length())))) {
            return name.substring(0, name.length() - "_total".length());
        }
        return null;
    }

    String typeOf(String family) {
        return types.get(family);
    }
}
