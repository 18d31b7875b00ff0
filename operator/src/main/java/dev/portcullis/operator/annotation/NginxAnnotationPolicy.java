package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.IpLiteral;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

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
 * <p>One value changes a verdict: a source-range allow-list that names every IPv4 and every IPv6
 * address ({@code 0.0.0.0/0,::/0}) keeps no one out, so Portcullis, which lets every address in,
 * already does what it says. cert-manager puts exactly that value on every HTTP-01 solver Ingress it
 * creates (pkg/issuer/acme/http/ingress.go, buildIngressResource); refusing it would fail every
 * challenge. Any other value of a source-range annotation still restricts someone and stays refused.
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
            "proxy-next-upstream", "proxy-next-upstream-tries", "proxy-next-upstream-timeout");

    /** Access control, traffic limits, raw configuration. */
    static final Set<String> REFUSED = Set.of("auth-type", "auth-secret", "auth-secret-type", "auth-realm",
            "auth-tls-match-cn", "auth-url", "auth-method", "auth-signin",
            "auth-signin-redirect-param", "auth-response-headers", "auth-request-redirect", "auth-cache-key",
            "auth-cache-duration", "auth-keepalive", "auth-keepalive-share-vars", "auth-keepalive-requests",
            "auth-keepalive-timeout", "auth-proxy-set-headers", "auth-always-set-cookie", "auth-snippet",
            "whitelist-source-range", "allowlist-source-range", "denylist-source-range", "satisfy",
            "limit-connections", "limit-rps", "limit-rpm", "limit-burst-multiplier", "limit-rate", "limit-rate-after",
            "limit-whitelist", "limit-allowlist", "global-rate-limit", "global-rate-limit-window",
            "global-rate-limit-key", "global-rate-limit-ignored-cidrs",
            "configuration-snippet", "server-snippet", "stream-snippet", "modsecurity-snippet",
            "enable-modsecurity", "enable-owasp-core-rules",
            "canary", "canary-by-header", "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie",
            "canary-weight", "canary-weight-total", "affinity-canary-behavior");

    /** Not implemented; ignoring them changes how a request is handled but lets no one in who was kept out. */
    static final Set<String> WARNED = Set.of("affinity-mode", "client-body-buffer-size",
            "connection-proxy-header", "custom-headers", "enable-access-log", "enable-global-auth", "enable-influxdb",
            "enable-opentelemetry", "enable-opentracing", "enable-rewrite-log", "from-to-www-redirect",
            "http2-push-preload", "influxdb-host", "influxdb-measurement", "influxdb-port", "influxdb-server-name",
            "load-balance", "mirror-host", "mirror-request-body", "mirror-target", "mirror-uri",
            "modsecurity-transaction-id", "opentelemetry-operation-name", "opentelemetry-trust-incoming-span",
            "opentracing-trust-incoming-span", "preserve-trailing-slash", "proxy-buffer-size",
            "proxy-buffering", "proxy-buffers-number", "proxy-cookie-domain",
            "proxy-cookie-path", "proxy-http-version", "proxy-max-temp-file-size", "proxy-redirect-from",
            "proxy-redirect-to", "proxy-request-buffering", "proxy-ssl-ciphers",
            "proxy-ssl-protocols", "proxy-ssl-verify-depth", "server-alias", "service-upstream",
            "session-cookie-change-on-failure", "session-cookie-conditional-samesite-none", "session-cookie-domain",
            "session-cookie-expires", "session-cookie-max-age", "session-cookie-name", "session-cookie-path",
            "session-cookie-samesite", "session-cookie-secure", "ssl-prefer-server-ciphers",
            "upstream-hash-by", "upstream-hash-by-subset", "upstream-hash-by-subset-size", "upstream-vhost");

    /** Source-range allow-lists: ingress-nginx lets in only the addresses listed. */
    static final Set<String> ALLOW_LISTS = Set.of("whitelist-source-range", "allowlist-source-range");

    private static final Pattern PREFIX_LENGTH = Pattern.compile("0|[1-9]\\d{0,2}");

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
    static boolean allowsEveryAddress(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        boolean everyIpv4 = false;
        boolean everyIpv6 = false;
        for (String raw : value.split(",", -1)) {
            String entry = raw.trim();
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            String prefix = slash < 0 ? null : entry.substring(slash + 1);
            InetAddress parsed = literal(address);
            if (parsed == null || (prefix != null && !PREFIX_LENGTH.matcher(prefix).matches())) {
                return false;
            }
            int bits = parsed instanceof Inet4Address ? 32 : 128;
            int length = prefix == null ? bits : Integer.parseInt(prefix);
            if (length > bits) {
                return false;
            }
            everyIpv4 |= length == 0 && parsed instanceof Inet4Address;
            everyIpv6 |= length == 0 && parsed instanceof Inet6Address;
        }
        return everyIpv4 && everyIpv6;
    }

    /** An IPv4 or IPv6 address literal, or {@code null}; never a name lookup (a malformed one such as 1:2 included). */
    private static InetAddress literal(String address) {
        InetAddress parsed = IpLiteral.parse(address).orElse(null);
        // Java turns an IPv4-mapped literal (::ffff:a.b.c.d) into IPv4, where its prefix length would
        // mean something else: such an entry is not read as either family.
        return parsed != null && address.contains(":") && parsed instanceof Inet4Address ? null : parsed;
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
