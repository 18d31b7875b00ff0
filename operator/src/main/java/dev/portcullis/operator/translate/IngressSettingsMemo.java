package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the annotations phase made of each Ingress in the last translation, by the Ingress and its
 * annotations: at 10,000 Ingresses, reading every Ingress's annotations again is half of a
 * translation, and a change touches one. Only readings that looked up no Secret are kept (a Secret
 * may have changed since), so a kept reading is what reading again would give: the same settings,
 * the same problems. What a translation did not ask for is forgotten.
 */
final class IngressSettingsMemo {

    private record Key(ObjectRef ref, Map<String, String> annotations) {
    }

    /** An Ingress's reading: served (or empty when left out) and the problems it reported. */
    record Reading(Optional<ServedIngress> served, List<Problem> problems) {
    }

    private Map<Key, Reading> known = new HashMap<>();
    private Map<Key, Reading> usedNow = new HashMap<>();
    private int reused;

    /** The reading of an Ingress with these annotations in the last translation, for this Ingress object; or null. */
    Reading find(ObjectRef ref, Ingress ingress) {
        Key key = new Key(ref, annotations(ingress));
        Reading reading = usedNow.get(key);
        if (reading == null) {
            reading = known.get(key);
        }
        if (reading == null) {
            return null;
        }
        usedNow.put(key, reading);
        reused++;
        // The spec may have changed since: the served Ingress is this object, with the settings read before.
        return new Reading(reading.served().map(served -> served.ingress() == ingress ? served : served.withIngress(ingress)),
                reading.problems());
    }

    void remember(ObjectRef ref, Ingress ingress, Reading reading) {
        usedNow.put(new Key(ref, java.util.Collections.unmodifiableMap(new HashMap<>(annotations(ingress)))), reading);
    }

    /** How many readings were reused so far (for tests). */
    int reused() {
        return reused;
    }

    /** A translation is done: forget the Ingresses it did not read. */
    void translationDone() {
        known = usedNow;
        usedNow = new HashMap<>();
    }

    private static Map<String, String> annotations(Ingress ingress) {
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }
}
