package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.RetryPolicy.On;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The annotations of endpoint health and retries: active checks ({@code health-check-*}), outlier
 * ejection ({@code outlier-*}) and retries ({@code retries}, {@code retry-on}, {@code per-try-timeout},
 * {@code retry-timeout}), and ingress-nginx's {@code proxy-next-upstream*} read as their aliases.
 */
public final class HealthAnnotations {

    /** Status range of a passing HTTP check: from, to. */
    public record StatusRange(int from, int to) {
    }

    private static final Map<String, On> RETRY_ON = Map.of("connect-failure", On.CONNECT_FAILURE, "reset", On.RESET,
            "timeout", On.TIMEOUT, "http-500", On.HTTP_500, "http-502", On.HTTP_502, "http-503", On.HTTP_503,
            "http-504", On.HTTP_504);
    /** ingress-nginx's proxy_next_upstream values that Portcullis has; the others are refused by name. */
    private static final Map<String, List<On>> NGINX_NEXT_UPSTREAM = Map.of(
            "error", List.of(On.CONNECT_FAILURE, On.RESET),
            "timeout", List.of(On.CONNECT_FAILURE, On.TIMEOUT),
            "http_500", List.of(On.HTTP_500), "http_502", List.of(On.HTTP_502), "http_503", List.of(On.HTTP_503),
            "http_504", List.of(On.HTTP_504));
    private static final Map<String, String> NGINX_NOT_IMPLEMENTED = Map.of(
            "non_idempotent", "Portcullis never sends a non-idempotent request twice once it may have reached a pod",
            "invalid_header", "an invalid response from a pod is answered 502 and not retried",
            "http_403", "only 500, 502, 503 and 504 are retried", "http_404", "only 500, 502, 503 and 504 are retried",
            "http_429", "only 500, 502, 503 and 504 are retried");

    private HealthAnnotations() {
    }

    static AnnotationParser<String> path(String name) {
        return new ReadingParser<>(name, "an absolute path such as /healthz (a query may follow)", value -> {
            if (!value.startsWith("/") || value.length() > 1024 || value.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("\"" + value + "\" is not an absolute path without spaces");
            }
            return value;
        });
    }

    static AnnotationParser<HealthCheck.Kind> kind(String name) {
        return new ChoiceParser<>(name, ChoiceParser.choices("http", HealthCheck.Kind.HTTP, "tls", HealthCheck.Kind.TLS,
                "tcp", HealthCheck.Kind.TCP));
    }

    static AnnotationParser<StatusRange> statusRange(String name) {
        return new ReadingParser<>(name, "a status (200), a range (200-399) or a class (2xx)", value -> {
            String text = value.toLowerCase(Locale.ROOT);
            if (text.matches("[1-5]xx")) {
                int base = (text.charAt(0) - '0') * 100;
                return new StatusRange(base, base + 99);
            }
            if (text.matches("[1-5][0-9]{2}(-[1-5][0-9]{2})?")) {
                String[] bounds = text.split("-");
                int from = Integer.parseInt(bounds[0]);
                int to = bounds.length == 2 ? Integer.parseInt(bounds[1]) : from;
                if (to >= from) {
                    return new StatusRange(from, to);
                }
            }
            throw new IllegalArgumentException("\"" + value + "\" is not a status range");
        });
    }

    static AnnotationParser<Integer> count(String name, int min, int max) {
        return new ReadingParser<>(name, "a whole number from " + min + " to " + max, value -> {
            if (!value.matches("[0-9]{1,4}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
                throw new IllegalArgumentException("\"" + value + "\" is out of range");
            }
            return Integer.parseInt(value);
        });
    }

    static AnnotationParser<Set<On>> retryOn(String name) {
        return new ReadingParser<>(name, "none, or a comma-separated list of " + String.join(", ",
                new java.util.TreeSet<>(RETRY_ON.keySet())), value -> {
            Set<On> on = EnumSet.noneOf(On.class);
            if (value.equals("none")) {
                return on;
            }
            for (String item : value.split(",")) {
                On one = RETRY_ON.get(item.strip().toLowerCase(Locale.ROOT));
                if (one == null) {
                    throw new IllegalArgumentException("\"" + item.strip() + "\" is not a retry condition");
                }
                on.add(one);
            }
            return on;
        });
    }

    /** ingress-nginx's {@code proxy-next-upstream}: space-separated nginx conditions, or {@code off}. */
    static AnnotationParser<Set<On>> nginxNextUpstream(String name) {
        return new ReadingParser<>(name, "off, or any of error, timeout, http_500, http_502, http_503, http_504"
                + " separated by spaces", value -> {
            Set<On> on = EnumSet.noneOf(On.class);
            for (String item : value.trim().split("\\s+")) {
                if (item.equals("off")) {
                    continue;
                }
                if (NGINX_NOT_IMPLEMENTED.containsKey(item)) {
                    throw new IllegalArgumentException("\"" + item + "\" is not implemented by Portcullis ("
                            + NGINX_NOT_IMPLEMENTED.get(item) + ")");
                }
                List<On> mapped = NGINX_NEXT_UPSTREAM.get(item);
                if (mapped == null) {
                    throw new IllegalArgumentException("\"" + item + "\" is not an nginx proxy_next_upstream condition");
                }
                on.addAll(mapped);
            }
            return on;
        });
    }

    /** ingress-nginx's {@code proxy-next-upstream-tries}: tries in all, the first included; 0 is nginx's "no limit". */
    static AnnotationParser<Integer> nginxTries(String name) {
        return new ReadingParser<>(name, "a whole number of tries from 0 (as many as allowed, "
                + RetryPolicy.MAX_RETRIES + " retries) to " + (RetryPolicy.MAX_RETRIES + 1), value -> {
            if (!value.matches("[0-9]{1,3}") || Integer.parseInt(value) > RetryPolicy.MAX_RETRIES + 1) {
                throw new IllegalArgumentException("\"" + value + "\" is out of range");
            }
            int tries = Integer.parseInt(value);
            return tries == 0 ? RetryPolicy.MAX_RETRIES : tries - 1;
        });
    }

    /** ingress-nginx's {@code proxy-next-upstream-timeout}: whole seconds, 0 meaning no limit (no setting). */
    static AnnotationParser<Long> nginxRetryTimeout(String name) {
        return new ReadingParser<>(name, "a whole number of seconds (0: no limit)", value -> {
            if (!value.matches("[0-9]{1,6}")) {
                throw new IllegalArgumentException("\"" + value + "\" is not a number of seconds");
            }
            long seconds = Long.parseLong(value);
            return seconds == 0 ? null : seconds * 1000;
        });
    }
}
