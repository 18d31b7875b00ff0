package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.AccessRules;
import dev.portcullis.dataplane.config.Canary;
import dev.portcullis.dataplane.config.Cors;
import dev.portcullis.dataplane.config.ErrorBackend;
import dev.portcullis.dataplane.config.HeaderEdits;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.operator.annotation.AnnotationParser;
import dev.portcullis.operator.annotation.IngressAnnotations;

import java.util.List;

/**
 * What an Ingress's annotations ask of each of its HTTP routes: whether its paths are regular
 * expressions ({@code use-regex}, or implied by {@code rewrite-target} as in ingress-nginx), the
 * rewrite, the X-Forwarded-Prefix header, a redirect instead of the backend (a temporal one wins
 * over a permanent one, as in ingress-nginx), the app root, header edits both ways, CORS, and the
 * error backend ({@code default-backend}, {@code custom-http-errors}), which {@link ErrorBackends}
 * resolves path by path.
 */
record RouteActions(boolean regex, String rewrite, String forwardedPrefix, Route.Redirect redirect, String appRoot,
                    HeaderEdits requestHeaders, HeaderEdits responseHeaders, Cors cors, ErrorBackend errorBackend,
                    Canary canary, AccessRules access) {

    static final RouteActions NONE = new RouteActions(false, null, null, null, null, null, null, null, null, null, null);

    static RouteActions of(IngressAnnotations annotations) {
        String rewrite = annotations.get(IngressAnnotations.REWRITE_TARGET).orElse(null);
        boolean regex = annotations.get(IngressAnnotations.USE_REGEX).orElse(false) || rewrite != null;
        Route.Redirect redirect = annotations.get(IngressAnnotations.TEMPORAL_REDIRECT)
                .map(url -> new Route.Redirect(annotations.get(IngressAnnotations.TEMPORAL_REDIRECT_CODE).orElse(302), url))
                .or(() -> annotations.get(IngressAnnotations.PERMANENT_REDIRECT).map(url -> new Route.Redirect(
                        annotations.get(IngressAnnotations.PERMANENT_REDIRECT_CODE).orElse(301), url)))
                .orElse(null);
        return new RouteActions(regex, rewrite, annotations.get(IngressAnnotations.X_FORWARDED_PREFIX).orElse(null),
                redirect, annotations.get(IngressAnnotations.APP_ROOT).orElse(null),
                annotations.get(IngressAnnotations.REQUEST_HEADERS).orElse(null),
                annotations.get(IngressAnnotations.RESPONSE_HEADERS).orElse(null), cors(annotations), null, null, null);
    }

    /** ingress-nginx's CORS, with its defaults for what is not set; {@code null} unless enable-cors is true. */
    private static Cors cors(IngressAnnotations annotations) {
        if (!annotations.get(IngressAnnotations.ENABLE_CORS).orElse(false)) {
            return null;
        }
        return new Cors(annotations.get(IngressAnnotations.CORS_ALLOW_ORIGIN).orElse(List.of(Cors.ANY_ORIGIN)),
                annotations.get(IngressAnnotations.CORS_ALLOW_METHODS).orElse(Cors.DEFAULT_METHODS),
                annotations.get(IngressAnnotations.CORS_ALLOW_HEADERS).orElse(Cors.DEFAULT_HEADERS),
                annotations.get(IngressAnnotations.CORS_EXPOSE_HEADERS).orElse(""),
                annotations.get(IngressAnnotations.CORS_ALLOW_CREDENTIALS).orElse(true),
                annotations.get(IngressAnnotations.CORS_MAX_AGE).orElse(Cors.DEFAULT_MAX_AGE_SECONDS));
    }

    RouteActions withErrorBackend(ErrorBackend backend) {
        return new RouteActions(regex, rewrite, forwardedPrefix, redirect, appRoot, requestHeaders, responseHeaders, cors,
                backend, canary, access);
    }

    /** The same actions, some of whose requests go to a canary ({@link CanaryPhase}). */
    RouteActions withCanary(Canary alternative) {
        return new RouteActions(regex, rewrite, forwardedPrefix, redirect, appRoot, requestHeaders, responseHeaders, cors,
                errorBackend, alternative, access);
    }

    /** With who gets in ({@link AccessRulesReader}), or {@code null}. */
    RouteActions withAccess(AccessRules rules) {
        return new RouteActions(regex, rewrite, forwardedPrefix, redirect, appRoot, requestHeaders, responseHeaders, cors,
                errorBackend, canary, rules);
    }

    Route route(PathMatch match, String cluster) {
        return new Route(match, cluster, rewrite, forwardedPrefix, redirect, appRoot, requestHeaders, responseHeaders, cors,
                errorBackend, canary, access);
    }

    /** Whether any annotation of this family is set. */
    boolean any() {
        return !equals(NONE);
    }

    /** Warnings for path annotations that cannot take effect as written. */
    static void report(Problems problems, ObjectRef ref, IngressAnnotations annotations, boolean passthrough) {
        RouteActions actions = of(annotations);
        boolean errorPages = annotations.get(IngressAnnotations.DEFAULT_BACKEND).isPresent()
                || annotations.get(IngressAnnotations.CUSTOM_HTTP_ERRORS).isPresent();
        if (passthrough) {
            if (actions.any() || errorPages) {
                problems.warning(ref, "AnnotationWithoutEffect", "HTTP annotations (use-regex, rewrite-target,"
                        + " x-forwarded-prefix, app-root, redirects, headers, CORS, error pages) apply to HTTP routes; a"
                        + " passthrough Ingress relays TLS bytes untouched, so they are ignored here");
            }
            return;
        }
        if (actions.cors() == null) {
            for (var parser : List.of(IngressAnnotations.CORS_ALLOW_ORIGIN, IngressAnnotations.CORS_ALLOW_METHODS,
                    IngressAnnotations.CORS_ALLOW_HEADERS, IngressAnnotations.CORS_EXPOSE_HEADERS,
                    IngressAnnotations.CORS_ALLOW_CREDENTIALS, IngressAnnotations.CORS_MAX_AGE)) {
                if (annotations.get(parser).isPresent()) {
                    problems.warning(ref, "AnnotationWithoutEffect", annotations.sourceOf(parser)
                            + " is ignored: CORS is off unless enable-cors is \"true\"");
                }
            }
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
