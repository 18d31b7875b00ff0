package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.HashKey;

import java.util.regex.Pattern;

/**
 * Parsers of the balancing and sticky-session annotations: {@code load-balance}, {@code hash-by}
 * and {@code session-cookie-*}, with ingress-nginx's spellings of {@code load-balance} and
 * {@code upstream-hash-by}.
 */
public final class BalancingAnnotations {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern SECONDS = Pattern.compile("0|[1-9][0-9]{0,9}");
    private static final Pattern PATH = Pattern.compile("/[!-:<-~]*"); // visible ASCII, no ';'
    private static final Pattern DOMAIN = Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern NGINX_VARIABLE_NAME = Pattern.compile("[A-Za-z0-9_]+");

    private BalancingAnnotations() {
    }

    public static AnnotationParser<BalancePolicy> loadBalance(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("round-robin", BalancePolicy.ROUND_ROBIN,
                "least-request", BalancePolicy.LEAST_REQUEST, "ring-hash", BalancePolicy.RING_HASH,
                "client-ip", BalancePolicy.CLIENT_IP));
    }

    /** ingress-nginx's values: its EWMA (latency-weighted) becomes least-request, the nearest Portcullis has. */
    public static AnnotationParser<BalancePolicy> nginxLoadBalance(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("round_robin", BalancePolicy.ROUND_ROBIN,
                "ewma", BalancePolicy.LEAST_REQUEST));
    }

    /** {@code header:<name>}, {@code cookie:<name>}, {@code uri} or {@code client-ip}. */
    public static AnnotationParser<HashKey> hashBy(String name) {
        return new ReadingParser<>(name, "\"header:<Header-Name>\", \"cookie:<cookie-name>\", \"uri\" or \"client-ip\"", value -> {
            if (value.equals("client-ip")) {
                return HashKey.CLIENT_ADDRESS;
            }
            if (value.equals("uri")) {
                return HashKey.REQUEST_URI;
            }
            int colon = value.indexOf(':');
            String source = colon < 0 ? "" : value.substring(0, colon);
            String key = colon < 0 ? "" : value.substring(colon + 1);
            if (!TOKEN.matcher(key).matches()) {
                throw notValid(value);
            }
            return switch (source) {
                case "header" -> HashKey.header(key);
                case "cookie" -> HashKey.cookie(key);
                default -> throw notValid(value);
            };
        });
    }

    /**
     * ingress-nginx's {@code upstream-hash-by}: one nginx variable, {@code $remote_addr} (or
     * {@code $binary_remote_addr}), {@code $http_<name>} (a header, {@code _} read as {@code -}),
     * {@code $cookie_<name>} or {@code $request_uri}. Other variables ({@code $host}, {@code $uri}) and
     * combinations are refused.
     */
    public static AnnotationParser<HashKey> nginxHashBy(String name) {
        return new ReadingParser<>(name, "one of $remote_addr, $http_<header_name>, $cookie_<name> or $request_uri"
                + " (other nginx variables are not supported)", value -> {
            if (value.equals("$remote_addr") || value.equals("$binary_remote_addr")) {
                return HashKey.CLIENT_ADDRESS;
            }
            if (value.equals("$request_uri")) {
                return HashKey.REQUEST_URI;
            }
            if (value.startsWith("$http_") && NGINX_VARIABLE_NAME.matcher(value.substring(6)).matches()) {
                return HashKey.header(value.substring(6).replace('_', '-'));
            }
            if (value.startsWith("$cookie_") && TOKEN.matcher(value.substring(8)).matches() && value.indexOf('$', 1) < 0) {
                return HashKey.cookie(value.substring(8));
            }
            throw notValid(value);
        });
    }

    public static AnnotationParser<String> cookieName(String name) {
        return new TextParser(name, "a cookie name (letters, digits and !#$%&'*+.^_`|~-)", value -> TOKEN.matcher(value).matches());
    }

    public static AnnotationParser<Long> seconds(String name) {
        return new ReadingParser<>(name, "a whole number of seconds", value ->
                {
            if (!SECONDS.matcher(value).matches()) {
                throw notValid(value);
            }
            return Long.parseLong(value);
        });
    }

    public static AnnotationParser<String> cookiePath(String name) {
        return new TextParser(name, "a path starting with / (no ';', space or control character)", value -> PATH.matcher(value).matches());
    }

    public static AnnotationParser<String> cookieDomain(String name) {
        return new TextParser(name, "a domain name such as example.com", value -> DOMAIN.matcher(value).matches());
    }

    public static AnnotationParser<String> sameSite(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("None", "None", "Lax", "Lax", "Strict", "Strict"));
    }

    private static IllegalArgumentException notValid(String value) {
        return new IllegalArgumentException("\"" + value + "\" is not valid");
    }

    public static AnnotationParser<Boolean> flag(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("true", true, "false", false));
    }
}
