package dev.portcullis.operator.annotation;

import java.util.function.Predicate;

/** An annotation whose value is text of a given shape, kept as written. */
public final class TextParser implements AnnotationParser<String> {

    private final String name;
    private final String accepted;
    private final Predicate<String> valid;

    public TextParser(String name, String accepted, Predicate<String> valid) {
        this.name = name;
        this.accepted = accepted;
        this.valid = valid;
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
    public String parse(String value) {
        if (!valid.test(value)) {
            throw invalid(value);
        }
        return value;
    }
}
