package dev.portcullis.operator.translate;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one translation. */
final class Problems {
    private final List<Problem> found = new ArrayList<>();

    void error(ObjectRef object, String reason, String message) {
        found.add(Problem.error(object, reason, message));
    }

    void warning(ObjectRef object, String reason, String message) {
        found.add(Problem.warning(object, reason, message));
    }

    List<Problem> all() {
        return List.copyOf(found);
    }

    /** How many problems were found so far. */
    int count() {
        return found.size();
    }

    /** The problems found since {@link #count()} returned {@code count}. */
    List<Problem> since(int count) {
        return List.copyOf(found.subList(count, found.size()));
    }

    /** Problems found again as an earlier translation found them. */
    void addAll(List<Problem> problems) {
        if (!problems.isEmpty()) { // most Ingresses have none: no copy of an empty list
            found.addAll(problems);
        }
    }
}
