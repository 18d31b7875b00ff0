package dev.portcullis.operator.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

import java.util.Objects;

/**
 * Whether an update can change a translation. An Ingress update that touches only its status (the
 * operator writes the load balancer address after every new Ingress) or the server's bookkeeping
 * (resourceVersion, managedFields) cannot: translating again for it cost a whole translation, and
 * at 10,000 Ingresses delayed the next real change by as much. Every other kind, and every other
 * Ingress change, counts.
 */
final class TranslatedFields {

    private TranslatedFields() {
    }

    static boolean changed(HasMetadata before, HasMetadata after) {
        if (before instanceof Ingress old && after instanceof Ingress now) {
            return !Objects.equals(old.getSpec(), now.getSpec()) || !sameMetadata(old.getMetadata(), now.getMetadata());
        }
        return true;
    }

    private static boolean sameMetadata(ObjectMeta before, ObjectMeta after) {
        if (before == null || after == null) {
            return before == after;
        }
        return withoutBookkeeping(before).equals(withoutBookkeeping(after));
    }

    private static ObjectMeta withoutBookkeeping(ObjectMeta metadata) {
        return new ObjectMetaBuilder(metadata).withResourceVersion(null).withManagedFields().withGeneration(null).build();
    }
}
