package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.Route;

/**
 * The annotations of paths as ingress-nginx users write them: regular-expression paths, rewrites,
 * X-Forwarded-Prefix, app root and redirects. Each {@code portcullis.dev/} name here has the
 * ingress-nginx annotation of the same name as its alias; the values are ingress-nginx's, except
 * that an out-of-range redirect code is refused rather than silently replaced by the default.
 */
public final class PathAnnotations {

    private PathAnnotations() {
    }

    static AnnotationParser<Boolean> useRegex(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("true", true, "false", false));
    }

    static AnnotationParser<String> rewriteTarget(String name) {
        return new TextParser(name, "a path such as /$2: \"/\" or a group first, then visible ASCII without spaces,"
                + " \"$\" only before a group number ($0..$9)", PathAnnotations::validRewrite);
    }

    static AnnotationParser<String> forwardedPrefix(String name) {
        return new TextParser(name, "a value such as /path, visible ASCII without spaces", PathAnnotations::printable);
    }

    static AnnotationParser<String> appRoot(String name) {
        return new TextParser(name, "a path such as /app1, visible ASCII without spaces",
                value -> value.startsWith("/") && printable(value));
    }

    static AnnotationParser<String> redirectUrl(String name) {
        return new TextParser(name, "an absolute http or https URL such as https://example.com, visible ASCII without"
                + " spaces, where " + Route.REQUEST_URI + " stands for the request's path and query", PathAnnotations::validRedirect);
    }

    static AnnotationParser<Integer> permanentCode(String name) {
        return new StatusCodeParser(name, 300, 308);
    }

    static AnnotationParser<Integer> temporalCode(String name) {
        return new StatusCodeParser(name, 300, 307);
    }

    static boolean validRewrite(String value) {
        if (value.isEmpty() || !printable(value) || !(value.startsWith("/") || value.startsWith("$"))) {
            return false;
        }
        return Route.REWRITE_GROUP.matcher(value).replaceAll("").indexOf('$') < 0;
    }

    static boolean validRedirect(String value) {
        if (!printable(value) || value.replace(Route.REQUEST_URI, "").indexOf('$') >= 0) {
            return false;
        }
        String rest = value.startsWith("https://") ? value.substring(8) : value.startsWith("http://") ? value.substring(7) : null;
        return rest != null && !rest.isEmpty() && "/?#".indexOf(rest.charAt(0)) < 0;
    }

    /** Visible ASCII only: nothing that could end a header line or hide in one. */
    static boolean printable(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
