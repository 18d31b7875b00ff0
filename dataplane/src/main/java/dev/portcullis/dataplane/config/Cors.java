package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cross-origin resource sharing as ingress-nginx's {@code enable-cors} gives it: preflight
 * requests from an allowed origin are answered by the proxy (204), and responses to requests from
 * an allowed origin carry {@code Access-Control-Allow-Origin}.
 *
 * @param allowOrigins     {@code *}, or origins ({@code https://app.example.com:8443}), each host
 *                         optionally starting with {@code *.} for any subdomain
 * @param allowMethods     the {@code Access-Control-Allow-Methods} of a preflight answer
 * @param allowHeaders     the {@code Access-Control-Allow-Headers} of a preflight answer
 * @param exposeHeaders    {@code Access-Control-Expose-Headers}, or empty for none
 * @param allowCredentials whether {@code Access-Control-Allow-Credentials: true} is sent
 * @param maxAgeSeconds    how long a browser may cache a preflight answer
 */
public record Cors(List<String> allowOrigins, String allowMethods, String allowHeaders,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) String exposeHeaders,
                   boolean allowCredentials, long maxAgeSeconds) {

    public static final String ANY_ORIGIN = "*";
    /** ingress-nginx's defaults, so that a migrated Ingress answers as it did. */
    public static final String DEFAULT_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
    public static final String DEFAULT_HEADERS = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,"
            + "Cache-Control,Content-Type,Range,Authorization";
    public static final long DEFAULT_MAX_AGE_SECONDS = 1_728_000;

    /** scheme://host[:port], the host a DNS name (optionally after "*.") or an IPv4 address. */
    public static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.-]*://(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?");
    private static final Pattern TOKEN_LIST = Pattern.compile("\\*|[A-Za-z0-9!#$%&'+.^_`|~-]+(\\s*,\\s*[A-Za-z0-9!#$%&'+.^_`|~-]+)*");

    public Cors {
        allowOrigins = Lists.copyOrEmpty(allowOrigins);
        exposeHeaders = exposeHeaders == null ? "" : exposeHeaders;
    }

    /** What is wrong with this policy, one message per problem. */
    @JsonIgnore
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (allowOrigins.isEmpty()) {
            problems.add("allowOrigins is empty");
        }
        for (String origin : allowOrigins) {
            if (!origin.equals(ANY_ORIGIN) && !ORIGIN.matcher(origin).matches()) {
                problems.add("origin \"" + origin + "\" is not * nor scheme://host[:port] in lowercase (the host may start"
                        + " with *.)");
            }
        }
        if (allowOrigins.size() > 1 && allowOrigins.contains(ANY_ORIGIN)) {
            problems.add("* allows every origin and cannot be listed with others");
        }
        tokenList("allowMethods", allowMethods, false, problems);
        tokenList("allowHeaders", allowHeaders, false, problems);
        tokenList("exposeHeaders", exposeHeaders, true, problems);
        if (maxAgeSeconds < 0) {
            problems.add("maxAgeSeconds is negative");
        }
        return problems;
    }

    /** {@code *}, or names (methods, header fields) separated by commas. */
    public static boolean isNameList(String value) {
        return TOKEN_LIST.matcher(value).matches();
    }

    private static void tokenList(String field, String value, boolean mayBeEmpty, List<String> problems) {
        if (value == null || (value.isEmpty() ? !mayBeEmpty : !isNameList(value))) {
            problems.add(field + " must be * or a comma-separated list of names, not \"" + value + "\"");
        }
    }
}
