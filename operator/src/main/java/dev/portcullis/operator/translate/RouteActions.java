package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;

/**
 * What an Ingress's path annotations ask of each of its HTTP routes: whether its paths are regular
 * expressions ({@code use-regex}, or implied by {@code rewrite-target} as in ingress-nginx), the
 * rewrite, the X-Forwarded-Prefix header, a redirect instead of the backend (a temporal one wins
 * over a permanent one, as in ingress-nginx), and the app root.
 */
record RouteActions(boolean regex, String rewrite, String forwardedPrefix, Route.Redirect redirect, String appRoot) {

    static final RouteActions NONE = new RouteActions(false, null, null, null, null);

    static RouteActions of(IngressAnnotations annotations) {
        String rewrite = annotations.get(IngressAnnotations.REWRITE_TARGET).orElse(null);
        boolean regex = annotations.get(IngressAnnotations.USE_REGEX).orElse(false) || rewrite != null;
        Route.Redirect redirect = annotations.get(IngressAnnotations.TEMPORAL_REDIRECT)
                .map(url -> new Route.Redirect(annotations.get(IngressAnnotations.TEMPORAL_REDIRECT_CODE).orElse(302), url))
                .or(() -> annotations.get(IngressAnnotations.PERMANENT_REDIRECT).map(url -> new Route.Redirect(
                        annotations.get(IngressAnnotations.PERMANENT_REDIRECT_CODE).orElse(301), url)))
                .orElse(null);
        return new RouteActions(regex, rewrite, annotations.get(IngressAnnotations.X_FORWARDED_PREFIX).orElse(null),
                redirect, annotations.get(IngressAnnotations.APP_ROOT).orElse(null));
    }

    Route route(PathMatch match, String cluster) {
        return new Route(match, cluster, rewrite, forwardedPrefix, redirect, appRoot);
    }

    /** Whether any annotation of this family is set. */
    boolean any() {
        return !equals(NONE);
    }

    /** Warnings for path annotations that cannot take effect as written. */
    static void report(Problems problems, ObjectRef ref, IngressAnnotations annotations, boolean passthrough) {
        RouteActions actions = of(annotations);
        if (passthrough) {
            if (actions.any()) {
                problems.warning(ref, "AnnotationWithoutEffect", "path annotations (use-regex, rewrite-target,"
                        + " x-forwarded-prefix, app-root, redirects) apply to HTTP routes; a passthrough Ingress relays"
                        + " TLS bytes untouched, so they are ignored here");
            }
            return;
        }
        if (annotations.get(IngressAnnotations.TEMPORAL_REDIRECT).isPresent()
                && annotations.get(IngressAnnotations.PERMANENT_REDIRECT).isPresent()) {
            problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(IngressAnnotations.PERMANENT_REDIRECT)
                    + " is ignored: " + annotations.sourceOf(IngressAnnotations.TEMPORAL_REDIRECT)
                    + " is set too and wins, as in ingress-nginx");
        }
        codeWithoutUrl(problems, ref, annotations, IngressAnnotations.PERMANENT_REDIRECT_CODE, IngressAnnotations.PERMANENT_REDIRECT);
        codeWithoutUrl(problems, ref, annotations, IngressAnnotations.TEMPORAL_REDIRECT_CODE, IngressAnnotations.TEMPORAL_REDIRECT);
    }

    private static void codeWithoutUrl(Problems problems, ObjectRef ref, IngressAnnotations annotations,
                                       AnnotationParser<Integer> code, AnnotationParser<String> url) {
        if (annotations.get(code).isPresent() && annotations.get(url).isEmpty()) {
            problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(code) + " is ignored without "
                    + url.name().substring(url.name().indexOf('/') + 1));
        }
    }
}
