package dev.portcullis.dataplane.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Compiles the patterns of {@link PathMatch.Type#REGEX} routes with RE2/J, a linear-time engine: no
 * pattern, however written, makes matching one path take more than time proportional to the path
 * (no backtracking), so a route cannot stall an event loop. Patterns are compiled when a snapshot is
 * validated and applied, never per request.
 */
public final class PathPatterns {

    /** Longer patterns are refused: a path regular expression is a line, not a program. */
    public static final int MAX_PATTERN_LENGTH = 1024;
    /**
     * The most instructions a pattern may compile to, as {@link #estimatedSize} counts them: matching
     * costs time proportional to the path times this size, and a counted repetition multiplies it
     * ({@code (a{1000}){1000}} is a million instructions, which RE2/J would build and run), so it is
     * bounded too.
     */
    public static final int MAX_PROGRAM_SIZE = 4096;

    private PathPatterns() {
    }

    /** The compiled pattern, or {@link IllegalArgumentException} saying in one line why it cannot be. */
    public static Pattern compile(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("the regular expression is empty");
        }
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("the regular expression is longer than " + MAX_PATTERN_LENGTH + " characters");
        }
        long size = estimatedSize(pattern);
        if (size > MAX_PROGRAM_SIZE) {
            throw new IllegalArgumentException("the regular expression's counted repetitions make it too large to match"
                    + " quickly (about " + (size >= Integer.MAX_VALUE ? "more than 2 billion" : size) + " steps per character"
                    + " of a path, at most " + MAX_PROGRAM_SIZE + ")");
        }
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a valid RE2 regular expression: " + e.getDescription(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new IllegalArgumentException("not a usable regular expression: " + e, e);
        }
    }

    /**
     * About how many instructions the pattern compiles to: one per literal, class or escape, each
     * counted repetition {@code {n}}, {@code {n,}}, {@code {n,m}} multiplying what it repeats, groups
     * summing their contents. An over-estimate for classes RE2 folds, close enough to bound the work.
     */
    static long estimatedSize(String pattern) {
        java.util.ArrayDeque<long[]> groups = new java.util.ArrayDeque<>(); // per open group: {size so far}
        long current = 0;
        long last = 0; // size of the atom or group just read, which a repetition applies to
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            switch (c) {
                case '\\' -> {
                    i += 2;
                    last = 1;
                    current += 1;
                    continue;
                }
                case '[' -> {
                    int j = i + 1;
                    if (j < pattern.length() && pattern.charAt(j) == '^') {
                        j++;
                    }
                    if (j < pattern.length() && pattern.charAt(j) == ']') {
                        j++;
                    }
                    while (j < pattern.length() && pattern.charAt(j) != ']') {
                        j += pattern.charAt(j) == '\\' ? 2 : 1;
                    }
                    i = j + 1;
                    last = 1;
                    current += 1;
                    continue;
                }
                case '(' -> {
                    groups.push(new long[] {current});
                    current = 0;
                    last = 0;
                }
                case ')' -> {
                    long inner = current;
                    current = groups.isEmpty() ? inner : groups.pop()[0] + inner;
                    last = inner;
                }
                case '{' -> {
                    int close = pattern.indexOf('}', i);
                    long count = close < 0 ? -1 : repeatCount(pattern.substring(i + 1, close));
                    if (count >= 0) {
                        current = saturated(current + saturated(last * Math.max(0, count - 1)));
                        last = saturated(last * Math.max(1, count));
                        i = close + 1;
                        continue;
                    }
                    last = 1;
                    current += 1;
                }
                case '|', '*', '+', '?', '^', '$' -> { }
                default -> {
                    last = 1;
                    current += 1;
                }
            }
            i++;
        }
        while (!groups.isEmpty()) {
            current = groups.pop()[0] + current;
        }
        return current;
    }

    /** The largest count of {@code n}, {@code n,} or {@code n,m} (the first two: n + 1), or -1 when it is not a repetition. */
    private static long repeatCount(String body) {
        int comma = body.indexOf(',');
        String min = comma < 0 ? body : body.substring(0, comma);
        String max = comma < 0 ? body : body.substring(comma + 1);
        if (min.isEmpty() || !min.chars().allMatch(Character::isDigit) || !max.chars().allMatch(Character::isDigit)
                || min.length() > 6 || max.length() > 6) {
            return min.chars().allMatch(Character::isDigit) && !min.isEmpty() && max.chars().allMatch(Character::isDigit)
                    ? 1_000_000 : -1;
        }
        return max.isEmpty() ? Long.parseLong(min) + 1 : Math.max(Long.parseLong(min), Long.parseLong(max));
    }

    private static long saturated(long value) {
        return value < 0 || value > Integer.MAX_VALUE ? Integer.MAX_VALUE : value;
    }

    /** Why the pattern cannot be compiled, or {@code null} when it can. */
    public static String problem(String pattern) {
        try {
            compile(pattern);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A regular expression matching exactly the given text. */
    public static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.toString();
    }
}
