package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Snapshot;

import java.util.List;

/**
 * Validation of a snapshot made from a valid one by {@code SnapshotDiff.apply} (which keeps the
 * unchanged records as the same instances), in time proportional to what changed: the operator's
 * check before it publishes a change, as the data plane's before it applies one.
 */
public final class SnapshotValidation {

    private SnapshotValidation() {
    }

    /** Every problem of {@code next}, given that {@code valid} passed validation; empty when it is sound. */
    public static List<String> problemsAfter(Snapshot valid, Snapshot next) {
        SnapshotIndex after = SnapshotIndex.of(next);
        SnapshotChanges changes = SnapshotChanges.between(SnapshotIndex.of(valid), after);
        Referrers referrers = changes.certificates().isEmpty() && changes.clusters().isEmpty()
                ? Referrers.of(List.of(), List.of())
                : Referrers.of(valid.virtualHosts(), valid.clusters(), changes.certificates()::contains, changes.clusters()::contains);
        return IncrementalValidation.problems(after, changes, referrers);
    }
}
