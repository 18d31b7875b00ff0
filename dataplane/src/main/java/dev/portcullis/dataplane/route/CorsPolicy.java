package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.Cors;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

import java.util.List;
import java.util.Locale;

/**
 * A route's {@link Cors}, ready to answer: which origins are allowed, the preflight answer's
 * fields, and the fields a response to an allowed origin gets. As in ingress-nginx, {@code *}
 * allows every origin and is sent as {@code *}; a listed origin is echoed, with {@code Vary: Origin}
 * on every response so that caches keep one answer per origin.
 */
public final class CorsPolicy {

    private static final AsciiString ORIGIN = AsciiString.cached("Origin");

    private final boolean anyOrigin;
    private final List<String> exactOrigins;
    /** "https://" and ".example.com:8443" for https://*.example.com:8443: any one label in between. */
    private final List<String[]> wildcardOrigins;
    private final AsciiString allowMethods;
    private final AsciiString allowHeaders;
    private final AsciiString exposeHeaders;
    private final boolean allowCredentials;
    private final AsciiString maxAge;

    private CorsPolicy(Cors cors) {
        anyOrigin = cors.allowOrigins().contains(Cors.ANY_ORIGIN);
        exactOrigins = cors.allowOrigins().stream().filter(origin -> !origin.contains("*")).toList();
        wildcardOrigins = cors.allowOrigins().stream().filter(origin -> origin.contains("://*."))
                .map(origin -> new String[] {origin.substring(0, origin.indexOf("*.")), origin.substring(origin.indexOf("*.") + 1)})
                .toList();
        allowMethods = AsciiString.of(cors.allowMethods());
        allowHeaders = AsciiString.of(cors.allowHeaders());
        exposeHeaders = cors.exposeHeaders().isEmpty() ? null : AsciiString.of(cors.exposeHeaders());
        allowCredentials = cors.allowCredentials();
        maxAge = AsciiString.of(Long.toString(cors.maxAgeSeconds()));
    }

    public static CorsPolicy of(Cors cors) {
        return cors == null ? null : new CorsPolicy(cors);
    }

    /** A browser's preflight: OPTIONS with an Origin and the method it means to use (Fetch 3.2.2). */
    public static boolean isPreflight(HttpRequest request) {
        return HttpMethod.OPTIONS.equals(request.method()) && request.headers().contains(HttpHeaderNames.ORIGIN)
                && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /** The fields of the proxy's answer to a preflight: none but {@code Vary} when the origin is not allowed. */
    public void preflightAnswer(HttpHeaders answer, String origin) {
        String allowed = allowedOrigin(origin);
        vary(answer);
        if (allowed == null) {
            return;
        }
        answer.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        if (allowCredentials) {
            answer.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        answer.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, allowMethods);
        answer.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders);
        if (exposeHeaders != null) {
            answer.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
        answer.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAge);
    }

    /** The fields a response (the pod's or the proxy's) gets for a request from {@code origin}; they replace the pod's. */
    public void decorate(HttpHeaders response, String origin) {
        vary(response);
        String allowed = allowedOrigin(origin);
        if (allowed == null) {
            return;
        }
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        if (allowCredentials) {
            response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (exposeHeaders != null) {
            response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
    }

    /** What {@code Access-Control-Allow-Origin} says to this origin, or {@code null} when it is not allowed. */
    String allowedOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        if (anyOrigin) {
            return Cors.ANY_ORIGIN;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        if (exactOrigins.contains(lower)) {
            return origin;
        }
        for (String[] wildcard : wildcardOrigins) {
            if (lower.startsWith(wildcard[0]) && lower.endsWith(wildcard[1])) {
                String label = lower.substring(wildcard[0].length(), lower.length() - wildcard[1].length());
                if (!label.isEmpty() && label.indexOf('.') < 0 && label.indexOf(':') < 0 && label.indexOf('/') < 0) {
                    return origin;
                }
            }
        }
        return null;
    }

    private void vary(HttpHeaders headers) {
        if (anyOrigin) {
            return;
        }
        String vary = headers.get(HttpHeaderNames.VARY);
        if (vary == null) {
            headers.set(HttpHeaderNames.VARY, ORIGIN);
        } else if (!vary.trim().equals("*") && !containsToken(vary, "origin")) {
            headers.set(HttpHeaderNames.VARY, vary + ", Origin");
        }
    }

    private static boolean containsToken(String list, String token) {
        for (String part : list.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
