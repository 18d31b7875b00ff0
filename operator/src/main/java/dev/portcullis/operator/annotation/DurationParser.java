package dev.portcullis.operator.annotation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A timeout, read as milliseconds. Portcullis annotations take a duration as {@code serve}'s flags
 * do ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds). An
 * ingress-nginx alias takes only what ingress-nginx takes: a whole number of seconds. Anything
 * else, zero and more than {@link #MAX_MILLIS} included, is invalid, never replaced by a default.
 */
public final class DurationParser implements AnnotationParser<Long> {

    /** Seven days: longer is a typo, not a timeout. */
    static final long MAX_MILLIS = 7L * 24 * 3600 * 1000;

    private static final Pattern WITH_UNIT = Pattern.compile("([0-9]{1,12})(ms|s|m|h)?");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");

    private final String name;
    private final boolean secondsOnly;

    private DurationParser(String name, boolean secondsOnly) {
        this.name = name;
        this.secondsOnly = secondsOnly;
    }

    /** A Portcullis annotation: a duration with or without a unit. */
    public static DurationParser duration(String name) {
        return new DurationParser(name, false);
    }

    /** An ingress-nginx alias: whole seconds, as {@code proxy-read-timeout: "60"}. */
    public static DurationParser nginxSeconds(String name) {
        return new DurationParser(name, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String accepted() {
        return secondsOnly
                ? "a whole number of seconds from 1 to 604800, such as \"60\" (as ingress-nginx; no unit)"
                : "a duration from 1ms to 7 days such as \"500ms\", \"30s\", \"5m\" or \"1h\" (a bare number is seconds)";
    }

    @Override
    public Long parse(String value) {
        long millis;
        if (secondsOnly) {
            if (!SECONDS.matcher(value).matches()) {
                throw invalid(value);
            }
            millis = Long.parseLong(value) * 1000;
        } else {
            Matcher matcher = WITH_UNIT.matcher(value);
            if (!matcher.matches()) {
                throw invalid(value);
            }
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            millis = amount * switch (unit) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                default -> 3_600_000L;
            };
        }
        if (millis < 1 || millis > MAX_MILLIS) {
            throw invalid(value);
        }
        return millis;
    }
}
