package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.Canary;
import dev.portcullis.dataplane.config.HeaderEdits;
import dev.portcullis.dataplane.config.PathPatterns;

/**
 * The parsers of ingress-nginx's canary annotations ({@code canary}, {@code canary-by-header},
 * {@code canary-by-header-value}, {@code canary-by-header-pattern}, {@code canary-by-cookie},
 * {@code canary-weight}, {@code canary-weight-total}), under either prefix. What they mean together
 * is the translator's ({@code CanaryPhase}); the data plane's {@code CanarySelector} applies them.
 */
public final class CanaryAnnotations {

    /** A field name, a cookie name or a value longer than this is not a switch anyone types. */
    private static final int MAX_TEXT = 256;

    private CanaryAnnotations() {
    }

    /** {@code portcullis.dev/canary}: {@code true} or {@code false}. */
    static AnnotationParser<Boolean> enabled(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("true", true, "false", false));
    }

    /** ingress-nginx's {@code canary}: what Go's strconv.ParseBool accepts, as ingress-nginx reads it. */
    static AnnotationParser<Boolean> nginxEnabled(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("true", true, "false", false, "True", true, "False", false,
                "TRUE", true, "FALSE", false, "t", true, "f", false, "T", true, "F", false, "1", true, "0", false));
    }

    static AnnotationParser<String> header(String name) {
        return new TextParser(name, "a request header name such as X-Canary",
                value -> value.length() <= MAX_TEXT && HeaderEdits.isToken(value));
    }

    static AnnotationParser<String> headerValue(String name) {
        return new TextParser(name, "the header value that sends a request to the canary (printable text)",
                value -> !value.isEmpty() && value.length() <= MAX_TEXT && HeaderEdits.validValue(value));
    }

    static AnnotationParser<String> headerPattern(String name) {
        return new ReadingParser<>(name, "an RE2 regular expression found in the header's value, such as ^(beta|qa)$",
                value -> {
                    PathPatterns.compile(value);
                    return value;
                });
    }

    static AnnotationParser<String> cookie(String name) {
        return new TextParser(name, "a cookie name such as canary",
                value -> value.length() <= MAX_TEXT && HeaderEdits.isToken(value));
    }

    /** {@code canary-weight}: 0 (no request by weight) to {@code canary-weight-total}. */
    static AnnotationParser<Integer> weight(String name) {
        return new ReadingParser<>(name, "a whole number from 0 to canary-weight-total (100 unless set)",
                value -> number(value, 0));
    }

    /** {@code canary-weight-total}: 1 to a million. */
    static AnnotationParser<Integer> weightTotal(String name) {
        return new ReadingParser<>(name, "a whole number from 1 to " + Canary.MAX_WEIGHT_TOTAL + " (default "
                + Canary.DEFAULT_WEIGHT_TOTAL + ")", value -> number(value, 1));
    }

    private static int number(String value, int least) {
        if (value.isEmpty() || value.length() > 7 || !value.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("\"" + value + "\" is not a whole number");
        }
        int number = Integer.parseInt(value);
        if (number < least || number > Canary.MAX_WEIGHT_TOTAL) {
            throw new IllegalArgumentException(number + " is out of range");
        }
        return number;
    }
}
