package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.AccessRules;
import dev.portcullis.dataplane.config.Cidr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The annotations of who gets in: source ranges, rate limits per client address, and external
 * authentication, with ingress-nginx's names and values. A value that cannot be read is an error
 * (the Ingress is not served), never "everyone".
 */
public final class AccessAnnotations {

    private static final String CIDRS = "a comma-separated list of IPv4 or IPv6 addresses or networks, e.g."
            + " 10.0.0.0/8, 192.168.1.7, 2001:db8::/32";

    private AccessAnnotations() {
    }

    /** Networks in their canonical text ({@link Cidr#toString()}). */
    static AnnotationParser<List<String>> ranges(String name) {
        return new ReadingParser<>(name, CIDRS,
                value -> Cidr.parseList(value).stream().map(Cidr::toString).toList());
    }

    static AnnotationParser<Integer> count(String name, String what) {
        return new ReadingParser<>(name, "a whole number of " + what + " from 1 to 1000000", value -> {
            if (value.isEmpty() || value.length() > 7 || !value.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 1_000_000) {
                throw new IllegalArgumentException("\"" + value + "\" is not a number from 1 to 1000000");
            }
            return Integer.parseInt(value);
        });
    }

    static AnnotationParser<String> url(String name) {
        return new TextParser(name, "an absolute http or https URL with a host, e.g."
                + " http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth", AccessAnnotations::httpUrl);
    }

    /** The sign-in URL; ingress-nginx allows {@code $host}, {@code $escaped_request_uri} and such in it, which Portcullis does not. */
    static AnnotationParser<String> signin(String name) {
        return new TextParser(name, "an absolute http or https URL with a host and no nginx variables ($...), e.g."
                + " https://auth.example.com/oauth2/start", value -> httpUrl(value) && value.indexOf('$') < 0);
    }

    static AnnotationParser<String> method(String name) {
        return new ReadingParser<>(name, "an HTTP method such as GET or POST", value -> {
            String upper = value.toUpperCase(Locale.ROOT);
            if (!AccessRules.ExternalAuth.METHOD.matcher(upper).matches()) {
                throw new IllegalArgumentException("\"" + value + "\" is not an HTTP method");
            }
            return upper;
        });
    }

    static AnnotationParser<List<String>> headerNames(String name) {
        return new ReadingParser<>(name, "a comma-separated list of header names, e.g. X-Auth-Request-User,"
                + " X-Auth-Request-Email", value -> {
            List<String> names = new ArrayList<>();
            for (String entry : value.split(",", -1)) {
                String header = entry.trim();
                if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    throw new IllegalArgumentException("\"" + header + "\" is not a header name");
                }
                names.add(header);
            }
            return List.copyOf(names);
        });
    }

    private static boolean httpUrl(String value) {
        try {
            java.net.URI uri = new java.net.URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
