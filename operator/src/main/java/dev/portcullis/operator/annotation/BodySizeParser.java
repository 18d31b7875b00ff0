package dev.portcullis.operator.annotation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The largest request body, as nginx writes sizes ({@code client_max_body_size}): bytes, or a
 * number with {@code k}/{@code K}, {@code m}/{@code M} or {@code g}/{@code G} (powers of 1024);
 * {@code 0} means no limit. Read as bytes; anything else is invalid.
 */
public final class BodySizeParser implements AnnotationParser<Long> {

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,15})([kKmMgG]?)");

    private final String name;

    public BodySizeParser(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String accepted() {
        return "a size in bytes, or with k, m or g (as nginx: \"512k\", \"8m\", \"1g\"); \"0\" for no limit";
    }

    @Override
    public Long parse(String value) {
        Matcher matcher = SIZE.matcher(value);
        if (!matcher.matches()) {
            throw invalid(value);
        }
        long unit = switch (matcher.group(2)) {
            case "k", "K" -> 1024L;
            case "m", "M" -> 1024L * 1024;
            case "g", "G" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), unit);
        } catch (ArithmeticException tooLarge) {
            throw invalid(value);
        }
    }
}
