package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.Cidr;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What Portcullis does with each {@code nginx.ingress.kubernetes.io/} annotation, so that a team
 * moving off ingress-nginx is never served in silence without something it asked for. Every name
 * is in exactly one list: {@link Verdict#IMPLEMENTED} (read as an alias of a Portcullis annotation),
 * {@link Verdict#WARNED} (not implemented, and ignoring it opens nothing: a Warning names it), or
 * {@link Verdict#REFUSED} (it restricts access or changes who reaches a backend, so serving the
 * Ingress without it would open what the user closed: the Ingress is left out with an error until
 * Portcullis implements it). A name on no list (a typo, or one newer than this table) is refused
 * when it looks like access control and warned otherwise.
 *
 * <p>Source ranges, rate limits and external authentication ({@code auth-url} and its companions) are
 * implemented ({@link AccessAnnotations}). A source-range allow-list that names every IPv4 and every
 * IPv6 address ({@code 0.0.0.0/0,::/0}, which cert-manager puts on every HTTP-01 solver Ingress it
 * creates) keeps no one out and is translated as no restriction at all ({@link #allowsEveryAddress}).
 */
public final class NginxAnnotationPolicy {

    public enum Verdict { IMPLEMENTED, WARNED, REFUSED }

    static final Set<String> IMPLEMENTED = Set.of("ssl-passthrough", "backend-protocol", "proxy-ssl-secret",
            "proxy-ssl-verify", "proxy-ssl-name", "proxy-ssl-server-name", "ssl-redirect", "force-ssl-redirect", "affinity",
            "use-regex", "rewrite-target", "x-forwarded-prefix", "app-root", "permanent-redirect", "permanent-redirect-code",
            "temporal-redirect", "temporal-redirect-code",
            "proxy-connect-timeout", "proxy-send-timeout", "proxy-read-timeout", "proxy-body-size",
            "enable-cors", "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-expose-headers",
            "cors-allow-credentials", "cors-max-age", "custom-http-errors", "default-backend",
            "auth-tls-secret", "auth-tls-verify-client", "auth-tls-verify-depth", "auth-tls-pass-certificate-to-upstream",
            "auth-tls-error-page", "ssl-ciphers",
            "canary", "canary-by-header", "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie",
            "canary-weight", "canary-weight-total",
            "whitelist-source-range", "allowlist-source-range", "denylist-source-range",
            "limit-connections", "limit-rps", "limit-rpm", "limit-burst-multiplier", "limit-whitelist", "limit-allowlist",
            "auth-url", "auth-method", "auth-signin", "auth-response-headers",
            "load-balance", "upstream-hash-by", "session-cookie-name", "session-cookie-max-age", "session-cookie-expires",
            "session-cookie-path", "session-cookie-samesite", "session-cookie-secure", "session-cookie-domain",
            "proxy-next-upstream", "proxy-next-upstream-tries", "proxy-next-upstream-timeout");

    /** Access control, traffic limits, raw configuration. */
    static final Set<String> REFUSED = Set.of("auth-type", "auth-secret", "auth-secret-type", "auth-realm",
            "auth-tls-match-cn",
            "auth-signin-redirect-param", "auth-request-redirect", "auth-cache-key",
            "auth-cache-duration", "auth-keepalive", "auth-keepalive-share-vars", "auth-keepalive-requests",
            "auth-keepalive-timeout", "auth-proxy-set-headers", "auth-always-set-cookie", "auth-snippet",
            "satisfy", "limit-rate", "limit-rate-after", "global-rate-limit", "global-rate-limit-window",
            "global-rate-limit-key", "global-rate-limit-ignored-cidrs",
            "configuration-snippet", "server-snippet", "stream-snippet", "modsecurity-snippet",
            "enable-modsecurity", "enable-owasp-core-rules");

    /** Not implemented; ignoring them changes how a request is handled but lets no one in who was kept out. */
    static final Set<String> WARNED = Set.of("affinity-mode", "affinity-canary-behavior", "client-body-buffer-size",
            "connection-proxy-header", "custom-headers", "enable-access-log", "enable-global-auth", "enable-influxdb",
            "enable-opentelemetry", "enable-opentracing", "enable-rewrite-log", "from-to-www-redirect",
            "http2-push-preload", "influxdb-host", "influxdb-measurement", "influxdb-port", "influxdb-server-name",
            "mirror-host", "mirror-request-body", "mirror-target", "mirror-uri",
            "modsecurity-transaction-id", "opentelemetry-operation-name", "opentelemetry-trust-incoming-span",
            "opentracing-trust-incoming-span", "preserve-trailing-slash", "proxy-buffer-size",
            "proxy-buffering", "proxy-buffers-number", "proxy-cookie-domain",
            "proxy-cookie-path", "proxy-http-version", "proxy-max-temp-file-size", "proxy-redirect-from",
            "proxy-redirect-to", "proxy-request-buffering", "proxy-ssl-ciphers",
            "proxy-ssl-protocols", "proxy-ssl-verify-depth", "server-alias", "service-upstream",
            "session-cookie-change-on-failure", "session-cookie-conditional-samesite-none", "ssl-prefer-server-ciphers",
            "upstream-hash-by-subset", "upstream-hash-by-subset-size", "upstream-vhost");

    /** Source-range allow-lists: ingress-nginx lets in only the addresses listed. */
    static final Set<String> ALLOW_LISTS = Set.of("whitelist-source-range", "allowlist-source-range");

    private static final List<String> REFUSED_PREFIXES = List.of("auth-", "limit-", "global-rate-limit", "canary");
    private static final List<String> REFUSED_SUFFIXES = List.of("-snippet", "-source-range");

    private NginxAnnotationPolicy() {
    }

    /** The verdict on one annotation, named without the {@code nginx.ingress.kubernetes.io/} prefix. */
    public static Verdict verdict(String name) {
        if (IMPLEMENTED.contains(name)) {
            return Verdict.IMPLEMENTED;
        }
        if (REFUSED.contains(name) || looksLikeAccessControl(name)) {
            return Verdict.REFUSED;
        }
        return Verdict.WARNED;
    }

    /**
     * The verdict on one annotation with its value: as {@link #verdict(String)}, except that an
     * allow-list of every address ({@link #allowsEveryAddress}) restricts nothing and is
     * {@link Verdict#IMPLEMENTED}.
     */
    public static Verdict verdict(String name, String value) {
        if (ALLOW_LISTS.contains(name) && allowsEveryAddress(value)) {
            return Verdict.IMPLEMENTED;
        }
        return verdict(name);
    }

    /**
     * Whether a comma-separated list of addresses and CIDR networks (ingress-nginx's syntax for
     * source ranges) is valid throughout and includes both an IPv4 and an IPv6 network of prefix
     * length 0. Anything less (only {@code 0.0.0.0/0}, which keeps every IPv6 client out; an entry
     * that does not parse) is not "every address". Only literals are read: no name is resolved.
     */
    public static boolean allowsEveryAddress(String value) {
        if (value == null || value.isBlank()) {
            return false; // no list (not an exception: this is asked of every Ingress at every translation)
        }
        List<Cidr> networks;
        try {
            networks = Cidr.parseList(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return networks.stream().anyMatch(network -> network.prefix() == 0 && network.ipv4())
                && networks.stream().anyMatch(network -> network.prefix() == 0 && !network.ipv4());
    }

    /**
     * Why a refused name is refused, when there is more to say than "not implemented yet"; {@code null}
     * otherwise. Shown in the problem, so that a user knows whether to wait or to change the Ingress.
     */
    public static String refusalReason(String name) {
        if (name.startsWith("global-rate-limit")) {
            return "global rate limits need a shared counter store (memcached in ingress-nginx), which Portcullis"
                    + " does not have; limit-rps and limit-rpm count per data plane replica";
        }
        if (name.equals("limit-rate") || name.equals("limit-rate-after")) {
            return "bandwidth limits per connection are not implemented";
        }
        if (name.startsWith("auth-") && !name.startsWith("auth-tls-")) {
            return "of external authentication, Portcullis implements auth-url, auth-signin, auth-response-headers and"
                    + " auth-method only";
        }
        return null;
    }

    /** Whether the name is one of the tables above (the rest are unknown, judged by their shape). */
    public static boolean known(String name) {
        return IMPLEMENTED.contains(name) || REFUSED.contains(name) || WARNED.contains(name);
    }

    private static boolean looksLikeAccessControl(String name) {
        return REFUSED_PREFIXES.stream().anyMatch(name::startsWith) || REFUSED_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** Every listed name with its verdict, sorted: what README shows. */
    public static Set<String> names(Verdict verdict) {
        Set<String> names = new TreeSet<>(switch (verdict) {
            case IMPLEMENTED -> IMPLEMENTED;
            case WARNED -> WARNED;
            case REFUSED -> REFUSED;
        });
        return names;
    }
}
