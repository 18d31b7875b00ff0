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
        try {
            return Instant.parse(timestamp);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.MIN;
        }
    }
}
