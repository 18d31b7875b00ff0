package dev.portcullis.operator.annotation;

import java.util.function.Function;

/**
 * An annotation read by a function that throws {@link IllegalArgumentException} saying what is
 * wrong with a value; the problem then names the annotation, the value's flaw and what is accepted.
 */
final class ReadingParser<T> implements AnnotationParser<T> {

    private final String name;
    private final String accepted;
    private final Function<String, T> reader;

    ReadingParser(String name, String accepted, Function<String, T> reader) {
        this.name = name;
        this.accepted = accepted;
        this.reader = reader;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String accepted() {
        return accepted;
    }

    @Override
    public T parse(String value) {
        try {
            return reader.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidAnnotationException(name + ": " + e.getMessage() + "; use " + accepted);
        }
    }
}
