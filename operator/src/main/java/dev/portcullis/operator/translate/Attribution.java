package dev.portcullis.operator.translate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which object (an Ingress, or a DataPlane for the listener's part) put each cluster and
 * certificate into a translation's snapshot, and which hosts it serves a kept last good certificate:
 * what lets {@link IncrementalTranslator} take the part of an earlier snapshot that belongs to the
 * Ingresses a change did not touch.
 */
final class Attribution {

    /** One object's part of a snapshot; names may repeat (the merge counts each once). */
    static final class Contribution {
        final List<String> clusters = new ArrayList<>(1);
        final List<String> certificates = new ArrayList<>(1);
        final List<String> kept = new ArrayList<>(0);
    }

    private final Map<ObjectRef, Contribution> byObject = new HashMap<>();

    void cluster(ObjectRef by, String name) {
        of(by).clusters.add(name);
    }

    void certificate(ObjectRef by, String name) {
        of(by).certificates.add(name);
    }

    /** {@code servedAs} (a host, or a default certificate) is served a kept certificate because its Secret broke. */
    void kept(ObjectRef by, String servedAs) {
        of(by).kept.add(servedAs);
    }

    Map<ObjectRef, Contribution> byObject() {
        return byObject;
    }

    private Contribution of(ObjectRef by) {
        return byObject.computeIfAbsent(by, unused -> new Contribution());
    }
}
