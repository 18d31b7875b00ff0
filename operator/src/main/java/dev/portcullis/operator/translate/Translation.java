package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Snapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a ClusterState means for the data plane, and what is wrong with it, in a stable order;
 * problems are also indexed by the object they belong to, so a reconciler reads one object's by key.
 */
public final class Translation {

    private final Snapshot snapshot;
    private final List<Problem> problems;
    private final Map<ObjectRef, List<Problem>> byObject;
    private final int lastGoodCertificatesKept;

    public Translation(Snapshot snapshot, List<Problem> problems) {
        this(snapshot, problems, 0);
    }

    /** {@code lastGoodCertificatesKept}: hosts (and default certificates) served a kept certificate because their Secret broke. */
    public Translation(Snapshot snapshot, List<Problem> problems, int lastGoodCertificatesKept) {
        this.snapshot = snapshot;
        this.lastGoodCertificatesKept = lastGoodCertificatesKept;
        this.problems = problems.stream().distinct().sorted().toList();
        this.byObject = this.problems.stream().collect(Collectors.groupingBy(Problem::object, LinkedHashMap::new,
                Collectors.toUnmodifiableList()));
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One object's problems (empty when it has none). */
    public List<Problem> problemsOf(ObjectRef object) {
        return byObject.getOrDefault(object, List.of());
    }

    /** Every object that has problems, with them. */
    public Map<ObjectRef, List<Problem>> problemsByObject() {
        return byObject;
    }

    /** How many hosts (and default certificates) keep their last good certificate because their Secret broke. */
    public int lastGoodCertificatesKept() {
        return lastGoodCertificatesKept;
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
