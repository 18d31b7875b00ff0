package dev.portcullis.dataplane.config;

import java.util.regex.Pattern;

/**
 * Requests whose path matches go to the named cluster, or are answered with a redirect.
 *
 * @param rewrite         the path (and optional query) the pod receives instead of the request's:
 *                        {@code $0}..{@code $9} stand for the groups a Regex match captured ({@code $0}
 *                        the whole match); a query in it comes before the request's own. {@code null}:
 *                        the request's path
 * @param forwardedPrefix the value of an {@code X-Forwarded-Prefix} header sent to the pod, or {@code null}
 * @param redirect        answer every request of this route with this redirect instead of forwarding it
 * @param appRoot         a request for exactly {@code /} is answered with a 302 to this path on the same
 *                        scheme and host, or {@code null}
 * @param requestHeaders  edits to the request's header fields before it goes to the pod, or {@code null}
 * @param responseHeaders edits to the response's header fields before it goes to the client (the
 *                        pod's response or the proxy's own answer), or {@code null}
 * @param cors            cross-origin resource sharing, or {@code null}
 * @param errorBackend    the cluster that stands in for the route's and makes its error pages, or {@code null}
 * @param canary          an alternative cluster some requests go to instead of {@code cluster}, or {@code null}
 * @param access          who gets in (source ranges, rate limits, external authentication), or {@code null}
 */
public record Route(PathMatch match, String cluster, String rewrite, String forwardedPrefix, Redirect redirect,
                    String appRoot, HeaderEdits requestHeaders, HeaderEdits responseHeaders, Cors cors,
                    ErrorBackend errorBackend, Canary canary, AccessRules access) {

    /** The groups a rewrite may name: {@code $0} to {@code $9}. */
    public static final Pattern REWRITE_GROUP = Pattern.compile("\\$([0-9])");
    /** What a redirect location may contain to send the request's own target along. */
    public static final String REQUEST_URI = "$request_uri";

    /**
     * A redirect the proxy answers with.
     *
     * @param code     a 3xx status code
     * @param location an absolute http(s) URL; {@value #REQUEST_URI} in it stands for the request's target
     */
    public record Redirect(int code, String location) {
    }

    /** A route without a canary or access rules. */
    public Route(PathMatch match, String cluster, String rewrite, String forwardedPrefix, Redirect redirect,
                 String appRoot, HeaderEdits requestHeaders, HeaderEdits responseHeaders, Cors cors,
                 ErrorBackend errorBackend) {
        this(match, cluster, rewrite, forwardedPrefix, redirect, appRoot, requestHeaders, responseHeaders, cors,
                errorBackend, null, null);
    }

    public Route(PathMatch match, String cluster) {
        this(match, cluster, null, null, null, null);
    }

    /** A route whose actions are about paths only. */
    public Route(PathMatch match, String cluster, String rewrite, String forwardedPrefix, Redirect redirect, String appRoot) {
        this(match, cluster, rewrite, forwardedPrefix, redirect, appRoot, null, null, null, null);
    }

    /** Whether anything but "forward the request as it came" is asked of this route. */
    public boolean hasActions() {
        return rewrite != null || forwardedPrefix != null || redirect != null || appRoot != null || requestHeaders != null
                || responseHeaders != null || cors != null || errorBackend != null || canary != null || access != null;
    }
}
