package dev.portcullis.operator.translate;

import java.util.Comparator;

/**
 * Something wrong with what users wrote, on the object they must fix. {@code reason} is a stable
 * word (it becomes an Event's reason); {@code message} says what happened and what to do.
 */
public record Problem(Severity severity, ObjectRef object, String reason, String message) implements Comparable<Problem> {

    public enum Severity { ERROR, WARNING }

    private static final Comparator<Problem> ORDER = Comparator.comparing(Problem::object)
            .thenComparing(Problem::reason).thenComparing(Problem::message).thenComparing(Problem::severity);

    public static Problem error(ObjectRef object, String reason, String message) {
        return new Problem(Severity.ERROR, object, reason, message);
    }

    public static Problem warning(ObjectRef object, String reason, String message) {
        return new Problem(Severity.WARNING, object, reason, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public int compareTo(Problem other) {
        return ORDER.compare(this, other);
    }

    /** Compiler style: {@code namespace/name: Reason: message}, and the severity when it is a warning. */
    @Override
    public String toString() {
        return object + ": " + reason + ": " + message + (isError() ? "" : " (warning)");
    }
}
