package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The first phase: the Ingresses of our classes, oldest first (creationTimestamp, then
 * namespace/name), so that when two claim the same host, path or mode the older one wins.
 */
final class IngressSelection {

    private IngressSelection() {
    }

    static List<Ingress> ours(ClusterState state) {
        IngressClassSelector selector = new IngressClassSelector(state.ingressClasses());
        // Each creation time parsed once, not twice per comparison.
        return state.ingresses().stream()
                .filter(selector::isOurs)
                .filter(ingress -> ingress.getSpec() != null)
                .map(ingress -> new Dated(creation(ingress), ingress))
                .sorted(Comparator.comparing(Dated::created).thenComparing(dated -> dated.ingress(), BY_NAME))
                .map(Dated::ingress)
                .toList();
    }

    private static final Comparator<Ingress> BY_NAME = Comparator.comparing((Ingress ingress) -> ClusterState.namespaceOf(ingress))
            .thenComparing(ingress -> ingress.getMetadata().getName());

    private record Dated(Instant created, Ingress ingress) {
    }

    private static Instant creation(Ingress ingress) {
        String timestamp = ingress.getMetadata().getCreationTimestamp();
        if (timestamp == null) {
            return Instant.MIN;
        }
        Instant canonical = canonicalRfc3339(timestamp);
        if (canonical != null) {
            return canonical;
        }
        try {
            return Instant.parse(timestamp);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.MIN;
        }
    }

    /**
     * The API server's form, {@code 2026-12-05T14:59:54Z} (metav1.Time: UTC, whole seconds), read
     * field by field; null for any other form. Instant.parse builds a formatter per call, and this is
     * read for every Ingress at every translation.
     */
    static Instant canonicalRfc3339(String timestamp) {
        if (timestamp.length() != 20 || timestamp.charAt(4) != '-' || timestamp.charAt(7) != '-' || timestamp.charAt(10) != 'T'
                || timestamp.charAt(13) != ':' || timestamp.charAt(16) != ':' || timestamp.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(timestamp, 0, 4);
        int month = digits(timestamp, 5, 2);
        int day = digits(timestamp, 8, 2);
        int hour = digits(timestamp, 11, 2);
        int minute = digits(timestamp, 14, 2);
        int second = digits(timestamp, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            return java.time.LocalDateTime.of(year, month, day, hour, minute, second).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null; // e.g. month 13: Instant.parse says what is wrong
        }
    }

    /** The decimal number in {@code text} at {@code from}, {@code count} digits long; -1 when one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
