package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Snapshot;

import java.util.List;

/** What a ClusterState means for the data plane, and what is wrong with it, in a stable order. */
public record Translation(Snapshot snapshot, List<Problem> problems) {

    public Translation {
        problems = problems.stream().distinct().sorted().toList();
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
