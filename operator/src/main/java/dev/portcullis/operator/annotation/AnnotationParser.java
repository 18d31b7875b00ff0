package dev.portcullis.operator.annotation;

/**
 * Reads one annotation's value. An invalid value throws {@link InvalidAnnotationException}; it is
 * never replaced by a default.
 */
public interface AnnotationParser<T> {

    String PREFIX = "portcullis.dev/";

    /** The full annotation name, {@code portcullis.dev/...}. */
    String name();

    /** The accepted values, as a user should read them in a problem. */
    String accepted();

    T parse(String value);

    default InvalidAnnotationException invalid(String value) {
        return new InvalidAnnotationException(name() + ": \"" + value + "\" is not valid; use " + accepted());
    }
}
