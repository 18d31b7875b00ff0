package dev.portcullis.dataplane.runtime;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The names of the hosts, clusters and certificates that one snapshot added, replaced or removed
 * against the one before, by identity: a delta ({@code SnapshotDiff.apply}) keeps every untouched
 * record as the same instance, so a record that is not the same instance counts as changed (at
 * worst something equal is rebuilt or checked again, never the other way round).
 */
record SnapshotChanges(Set<String> hosts, Set<String> clusters, Set<String> certificates) {

    static SnapshotChanges between(SnapshotIndex before, SnapshotIndex after) {
        return new SnapshotChanges(changed(before.hosts(), after.hosts()), changed(before.clusters(), after.clusters()),
                changed(before.certificates(), after.certificates()));
    }

    private static <T> Set<String> changed(Map<String, T> before, Map<String, T> after) {
        Set<String> changed = new HashSet<>();
        int kept = 0;
        for (Map.Entry<String, T> entry : after.entrySet()) {
            T old = before.get(entry.getKey());
            if (old != entry.getValue()) {
                changed.add(entry.getKey());
            }
            if (old != null || before.containsKey(entry.getKey())) {
                kept++;
            }
        }
        if (kept < before.size()) {
            // Some names are gone: only then is the old side walked.
            before.keySet().stream().filter(name -> !after.containsKey(name)).forEach(changed::add);
        }
        return changed;
    }
}
