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
}
