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

    static final Comparator<Ingress> OLDEST_FIRST = Comparator
            .comparing((Ingress ingress) -> creation(ingress))
            .thenComparing(ClusterState::namespaceOf)
            .thenComparing(ingress -> ingress.getMetadata().getName());

    private IngressSelection() {
    }

    static List<Ingress> ours(ClusterState state) {
        IngressClassSelector selector = new IngressClassSelector(state.ingressClasses());
        return state.ingresses().stream()
                .filter(selector::isOurs)
                .filter(ingress -> ingress.getSpec() != null)
                .sorted(OLDEST_FIRST)
                .toList();
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
