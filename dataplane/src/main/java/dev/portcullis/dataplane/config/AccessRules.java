package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who gets in through a route (or, for a passthrough host, to the host): source ranges, rate
 * limits per client address, and an external authentication service asked before each request.
 *
 * @param allow     networks ({@link Cidr} text) whose clients may come in; empty: every address
 * @param deny      networks whose clients may not, even when {@code allow} names them (deny wins)
 * @param rateLimit limits per client address, or {@code null}
 * @param auth      the external authentication service, or {@code null}
 */
public record AccessRules(@JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> allow,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> deny,
                          RateLimit rateLimit, ExternalAuth auth) {

    public AccessRules {
        allow = Lists.copyOrEmpty(allow);
        deny = Lists.copyOrEmpty(deny);
    }

    /** Only source ranges: what a passthrough host can have. */
    public static AccessRules sourceRanges(List<String> allow, List<String> deny) {
        return new AccessRules(allow, deny, null, null);
    }

    public boolean hasSourceRanges() {
        return !allow.isEmpty() || !deny.isEmpty();
    }

    /**
     * Requests per client address and per data plane replica, as ingress-nginx's {@code limit-*}
     * annotations: a client may send {@code rps * burstMultiplier + 1} requests at once, then
     * {@code rps} a second (the same with {@code rpm} a minute); past that, 429 with {@code Retry-After}.
     *
     * @param zone            the name the client counts are kept under: every route of one Ingress shares them
     * @param rps             requests a second (0: no such limit)
     * @param rpm             requests a minute (0: no such limit)
     * @param burstMultiplier the burst is the rate times this (nginx's default: 5)
     * @param connections     requests in progress at once per client address (0: no limit)
     * @param exempt          networks whose clients are not limited
     */
    public record RateLimit(String zone, @JsonInclude(JsonInclude.Include.NON_DEFAULT) int rps,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int rpm, int burstMultiplier,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int connections,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> exempt) {

        public static final int DEFAULT_BURST_MULTIPLIER = 5;

        public RateLimit {
            exempt = Lists.copyOrEmpty(exempt);
            burstMultiplier = burstMultiplier == 0 ? DEFAULT_BURST_MULTIPLIER : burstMultiplier;
        }
    }

    /**
     * An external authentication service (oauth2-proxy style), asked with the request's headers and
     * no body before the request goes to a pod.
     *
     * @param url             http or https URL of the service
     * @param method          the subrequest's method (GET by default)
     * @param signin          where a 401 sends the client (302, with {@code rd=} the original URL), or {@code null}
     * @param responseHeaders headers copied from a 2xx answer to the request the pod gets
     */
    public record ExternalAuth(String url, String method, String signin,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> responseHeaders) {

        public static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
        private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

        public ExternalAuth {
            method = method == null ? "GET" : method;
            responseHeaders = Lists.copyOrEmpty(responseHeaders);
        }

        List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (!httpUrl(url)) {
                problems.add("auth url must be an absolute http or https URL with a host, printable ASCII without spaces");
            }
            if (signin != null && !httpUrl(signin)) {
                problems.add("auth signin must be an absolute http or https URL with a host, printable ASCII without spaces");
            }
            if (!METHOD.matcher(method).matches()) {
                problems.add("auth method \"" + method + "\" is not an HTTP method in capitals");
            }
            for (String name : responseHeaders) {
                if (!HEADER_NAME.matcher(name).matches()) {
                    problems.add("auth responseHeaders: \"" + name + "\" is not a header name");
                }
            }
            return problems;
        }

        static boolean httpUrl(String url) {
            if (url == null || url.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                return false;
            }
            try {
                java.net.URI uri = new java.net.URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && !uri.getHost().isEmpty();
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
    }

    /** What {@link SnapshotValidator} reports; {@code passthrough}: only source ranges can apply. */
    List<String> problems(boolean passthrough) {
        List<String> problems = new ArrayList<>();
        Cidr.problems(allow).forEach(problem -> problems.add("allow: " + problem));
        Cidr.problems(deny).forEach(problem -> problems.add("deny: " + problem));
        if (rateLimit != null) {
            if (rateLimit.zone() == null || rateLimit.zone().isBlank()) {
                problems.add("rateLimit zone is missing");
            }
            if (rateLimit.rps() < 0 || rateLimit.rpm() < 0 || rateLimit.connections() < 0 || rateLimit.burstMultiplier() < 1) {
                problems.add("rateLimit rps, rpm and connections must not be negative, burstMultiplier at least 1");
            }
            if (rateLimit.rps() == 0 && rateLimit.rpm() == 0 && rateLimit.connections() == 0) {
                problems.add("rateLimit sets none of rps, rpm and connections");
            }
            Cidr.problems(rateLimit.exempt()).forEach(problem -> problems.add("rateLimit exempt: " + problem));
        }
        if (auth != null) {
            problems.addAll(auth.problems());
        }
        if (passthrough && (rateLimit != null || auth != null)) {
            problems.add("a passthrough host relays TLS bytes: only source ranges apply to it");
        }
        return problems;
    }
}
