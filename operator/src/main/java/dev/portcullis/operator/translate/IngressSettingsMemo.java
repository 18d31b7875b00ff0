package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
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

    /** An Ingress and its annotations; the hash is computed once (a lookup per Ingress per translation). */
    private static final class Key {
        private final ObjectRef ref;
        private final Map<String, String> annotations;
        private final int hash;

        Key(ObjectRef ref, Map<String, String> annotations) {
            this.ref = ref;
            this.annotations = annotations;
            this.hash = 31 * ref.hashCode() + annotations.hashCode();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && hash == key.hash && ref.equals(key.ref) && annotations.equals(key.annotations);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** An Ingress's reading: served (or empty when left out) and the problems it reported. */
    record Reading(Optional<ServedIngress> served, List<Problem> problems) {
    }

    private record Kept(Key key, Reading reading) {
    }

    private Map<Key, Reading> known = new HashMap<>();
    private Map<Key, Reading> usedNow = new HashMap<>();
    /**
     * The same readings by the Ingress object they were made of. The informers' caches hand out the
     * same object until the Ingress changes, so at 10,000 Ingresses nearly every lookup is one of
     * identity, without hashing each Ingress's reference and annotations again.
     */
    private Map<Ingress, Kept> knownObjects = new IdentityHashMap<>();
    private Map<Ingress, Kept> usedObjectsNow = new IdentityHashMap<>();
    private int reused;

    /** The reading of an Ingress with these annotations in the last translation, for this Ingress object; or null. */
    Reading find(ObjectRef ref, Ingress ingress) {
        Kept same = knownObjects.get(ingress);
        if (same != null) {
            use(ingress, same);
            return same.reading();
        }
        Key key = new Key(ref, annotations(ingress));
        Reading reading = usedNow.get(key);
        if (reading == null) {
            reading = known.get(key);
        }
        if (reading == null) {
            return null;
        }
        // The spec may have changed since: the served Ingress is this object, with the settings read before.
        Reading ofThisObject = new Reading(reading.served().map(served -> served.ingress() == ingress ? served : served.withIngress(ingress)),
                reading.problems());
        use(ingress, new Kept(key, ofThisObject));
        return ofThisObject;
    }

    void remember(ObjectRef ref, Ingress ingress, Reading reading) {
        Kept kept = new Kept(new Key(ref, Collections.unmodifiableMap(new HashMap<>(annotations(ingress)))), reading);
        usedNow.put(kept.key(), reading);
        usedObjectsNow.put(ingress, kept);
    }

    private void use(Ingress ingress, Kept kept) {
        usedNow.put(kept.key(), kept.reading());
        usedObjectsNow.put(ingress, kept);
        reused++;
    }

    /** How many readings were reused so far (for tests). */
    int reused() {
        return reused;
    }

    /** A translation is done: forget the Ingresses it did not read. */
    /** As {@link #translationDone()} after a translation of some Ingresses: nothing is forgotten. */
    void partialTranslationDone() {
        known.putAll(usedNow);
        usedNow = new HashMap<>();
        knownObjects.putAll(usedObjectsNow);
        usedObjectsNow = new IdentityHashMap<>();
    }

    void translationDone() {
        known = usedNow;
        usedNow = HashMap.newHashMap(known.size());
        knownObjects = usedObjectsNow;
        usedObjectsNow = new IdentityHashMap<>(knownObjects.size());
    }

    private static Map<String, String> annotations(Ingress ingress) {
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }
}
