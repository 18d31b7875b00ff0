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
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a valid RE2 regular expression: " + e.getDescription(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new IllegalArgumentException("not a usable regular expression: " + e, e);
        }
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
