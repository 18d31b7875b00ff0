package dev.portcullis.operator.annotation;

/** An HTTP status code within a range, such as a redirect's. */
public final class StatusCodeParser implements AnnotationParser<Integer> {

    private final String name;
    private final int min;
    private final int max;

    public StatusCodeParser(String name, int min, int max) {
        this.name = name;
        this.min = min;
        this.max = max;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String accepted() {
        return "a status code from " + min + " to " + max;
    }

    @Override
    public Integer parse(String value) {
        if (value.length() != 3 || !value.chars().allMatch(Character::isDigit)) {
            throw invalid(value);
        }
        int code = Integer.parseInt(value);
        if (code < min || code > max) {
            throw invalid(value);
        }
        return code;
    }
}
