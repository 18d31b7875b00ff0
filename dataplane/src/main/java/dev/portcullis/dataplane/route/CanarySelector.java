package dev.portcullis.dataplane.route;

import com.google.re2j.Pattern;
import dev.portcullis.dataplane.config.Canary;
import dev.portcullis.dataplane.config.PathPatterns;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.AsciiString;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether one request goes to a route's canary, by ingress-nginx's rules in its order
 * (balancer.lua, {@code route_to_alternative_balancer}): the header, then the cookie, then the
 * weight; see {@link Canary}. Names and the pattern are made once per snapshot; a request costs a
 * field lookup or two and at most one random draw. Cookie values are compared, never kept.
 */
public final class CanarySelector {

    private static final String ALWAYS = "always";
    private static final String NEVER = "never";

    private final AsciiString header;
    private final String headerValue;
    private final Pattern headerPattern;
    private final String cookie;
    private final int weight;
    private final int weightTotal;

    private CanarySelector(Canary canary) {
        header = canary.header() == null ? null : AsciiString.cached(canary.header());
        headerValue = canary.headerValue();
        headerPattern = canary.headerPattern() == null ? null : PathPatterns.compile(canary.headerPattern());
        cookie = canary.cookie();
        weight = canary.weight();
        weightTotal = canary.weightTotal();
    }

    /** The selector for a route's canary, or {@code null} when it has none. */
    public static CanarySelector of(Canary canary) {
        return canary == null ? null : new CanarySelector(canary);
    }

    /** Whether the request with these fields goes to the canary rather than the route's own cluster. */
    public boolean toCanary(HttpHeaders headers) {
        if (header != null) {
            String value = headers.get(header);
            if (value != null) {
                if (headerValue != null) {
                    if (headerValue.equals(value)) {
                        return true;
                    }
                } else if (headerPattern != null) {
                    if (headerPattern.matcher(value).find()) {
                        return true;
                    }
                } else if (ALWAYS.equals(value)) {
                    return true;
                } else if (NEVER.equals(value)) {
                    return false;
                }
            }
        }
        if (cookie != null) {
            String value = cookieValue(headers);
            if (ALWAYS.equals(value)) {
                return true;
            }
            if (NEVER.equals(value)) {
                return false;
            }
        }
        return weight > 0 && ThreadLocalRandom.current().nextInt(weightTotal) < weight;
    }

    /** The first value of the named cookie in any Cookie field (HTTP/2 may split them), or {@code null}. */
    private String cookieValue(HttpHeaders headers) {
        for (String field : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie found : ServerCookieDecoder.LAX.decodeAll(field)) {
                if (cookie.equals(found.name())) {
                    return found.value();
                }
            }
        }
        return null;
    }
}
