package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.ClientAuth;
import dev.portcullis.dataplane.config.HeaderEdits;
import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.ProxyProtocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The registry of {@code portcullis.dev/} annotations and of the ingress-nginx annotations
 * understood as their aliases, and what one Ingress's annotations say. A {@code portcullis.dev/}
 * annotation wins over its alias. Invalid values and unknown {@code portcullis.dev/} names are
 * reported, never silently defaulted or ignored.
 */
public final class IngressAnnotations {

    public static final String NGINX = "nginx.ingress.kubernetes.io/";

    public static final AnnotationParser<TlsModeAnnotation> TLS_MODE = new ChoiceParser<>(AnnotationParser.PREFIX + "tls-mode",
            ChoiceParser.choices("terminate", TlsModeAnnotation.TERMINATE, "passthrough", TlsModeAnnotation.PASSTHROUGH,
                    "reencrypt", TlsModeAnnotation.REENCRYPT));
    public static final AnnotationParser<Boolean> SSL_REDIRECT = new ChoiceParser<>(AnnotationParser.PREFIX + "ssl-redirect",
            ChoiceParser.choices("true", true, "false", false));
    public static final AnnotationParser<SecretRef> BACKEND_CA_SECRET = new SecretNameParser(
            AnnotationParser.PREFIX + "backend-ca-secret", "its ca.crt must have issued the pods' certificates");
    public static final AnnotationParser<String> BACKEND_SERVER_NAME = new ServerNameParser(AnnotationParser.PREFIX + "backend-server-name");
    public static final AnnotationParser<SecretRef> BACKEND_CLIENT_CERT_SECRET = new SecretNameParser(
            AnnotationParser.PREFIX + "backend-client-cert-secret", "a kubernetes.io/tls Secret shown to the pods");
    public static final AnnotationParser<Boolean> BACKEND_VERIFY = new ChoiceParser<>(AnnotationParser.PREFIX + "backend-verify",
            ChoiceParser.choices("on", true, "off", false));
    public static final AnnotationParser<ProxyProtocol> PROXY_PROTOCOL = new ChoiceParser<>(AnnotationParser.PREFIX + "proxy-protocol",
            ChoiceParser.choices("off", ProxyProtocol.OFF, "v1", ProxyProtocol.V1, "v2", ProxyProtocol.V2));
    public static final AnnotationParser<BackendProtocolAnnotation> BACKEND_PROTOCOL = new ChoiceParser<>(
            AnnotationParser.PREFIX + "backend-protocol", ChoiceParser.choices("HTTP", BackendProtocolAnnotation.HTTP,
            "HTTPS", BackendProtocolAnnotation.HTTPS, "H2C", BackendProtocolAnnotation.H2C, "H2", BackendProtocolAnnotation.H2,
            "GRPC", BackendProtocolAnnotation.GRPC, "GRPCS", BackendProtocolAnnotation.GRPCS));
    public static final AnnotationParser<AffinityAnnotation> AFFINITY = new ChoiceParser<>(AnnotationParser.PREFIX + "affinity",
            ChoiceParser.choices("none", AffinityAnnotation.NONE, "cookie", AffinityAnnotation.COOKIE,
                    "client-ip", AffinityAnnotation.CLIENT_IP));

    // Paths as ingress-nginx users write them (PathAnnotations): same names, same values.
    public static final AnnotationParser<Boolean> USE_REGEX = PathAnnotations.useRegex(AnnotationParser.PREFIX + "use-regex");
    public static final AnnotationParser<String> REWRITE_TARGET = PathAnnotations.rewriteTarget(AnnotationParser.PREFIX + "rewrite-target");
    public static final AnnotationParser<String> X_FORWARDED_PREFIX = PathAnnotations.forwardedPrefix(AnnotationParser.PREFIX + "x-forwarded-prefix");
    public static final AnnotationParser<String> APP_ROOT = PathAnnotations.appRoot(AnnotationParser.PREFIX + "app-root");
    public static final AnnotationParser<String> PERMANENT_REDIRECT = PathAnnotations.redirectUrl(AnnotationParser.PREFIX + "permanent-redirect");
    public static final AnnotationParser<Integer> PERMANENT_REDIRECT_CODE = PathAnnotations.permanentCode(AnnotationParser.PREFIX + "permanent-redirect-code");
    public static final AnnotationParser<String> TEMPORAL_REDIRECT = PathAnnotations.redirectUrl(AnnotationParser.PREFIX + "temporal-redirect");
    public static final AnnotationParser<Integer> TEMPORAL_REDIRECT_CODE = PathAnnotations.temporalCode(AnnotationParser.PREFIX + "temporal-redirect-code");
    public static final AnnotationParser<Long> CONNECT_TIMEOUT = DurationParser.duration(AnnotationParser.PREFIX + "connect-timeout");
    public static final AnnotationParser<Long> RESPONSE_TIMEOUT = DurationParser.duration(AnnotationParser.PREFIX + "response-timeout");
    public static final AnnotationParser<Long> SEND_TIMEOUT = DurationParser.duration(AnnotationParser.PREFIX + "send-timeout");
    public static final AnnotationParser<Long> IDLE_TIMEOUT = DurationParser.duration(AnnotationParser.PREFIX + "idle-timeout");
    public static final AnnotationParser<Long> MAX_BODY_SIZE = new BodySizeParser(AnnotationParser.PREFIX + "max-body-size");

    // What a route does to messages (HttpPolicyAnnotations); the CORS and error page ones are ingress-nginx's names.
    public static final AnnotationParser<HeaderEdits> REQUEST_HEADERS = HttpPolicyAnnotations.headerEdits(AnnotationParser.PREFIX + "request-headers");
    public static final AnnotationParser<HeaderEdits> RESPONSE_HEADERS = HttpPolicyAnnotations.headerEdits(AnnotationParser.PREFIX + "response-headers");
    public static final AnnotationParser<Boolean> ENABLE_CORS = HttpPolicyAnnotations.flag(AnnotationParser.PREFIX + "enable-cors");
    public static final AnnotationParser<List<String>> CORS_ALLOW_ORIGIN = HttpPolicyAnnotations.corsOrigins(AnnotationParser.PREFIX + "cors-allow-origin");
    public static final AnnotationParser<String> CORS_ALLOW_METHODS = HttpPolicyAnnotations.corsNames(AnnotationParser.PREFIX + "cors-allow-methods", "methods");
    public static final AnnotationParser<String> CORS_ALLOW_HEADERS = HttpPolicyAnnotations.corsNames(AnnotationParser.PREFIX + "cors-allow-headers", "header names");
    public static final AnnotationParser<String> CORS_EXPOSE_HEADERS = HttpPolicyAnnotations.corsNames(AnnotationParser.PREFIX + "cors-expose-headers", "header names");
    public static final AnnotationParser<Boolean> CORS_ALLOW_CREDENTIALS = HttpPolicyAnnotations.flag(AnnotationParser.PREFIX + "cors-allow-credentials");
    public static final AnnotationParser<Long> CORS_MAX_AGE = HttpPolicyAnnotations.seconds(AnnotationParser.PREFIX + "cors-max-age");
    public static final AnnotationParser<List<Integer>> CUSTOM_HTTP_ERRORS = HttpPolicyAnnotations.errorCodes(AnnotationParser.PREFIX + "custom-http-errors");
    public static final AnnotationParser<String> DEFAULT_BACKEND = HttpPolicyAnnotations.serviceName(AnnotationParser.PREFIX + "default-backend");

    // A host's TLS at the edge (TlsPolicyAnnotations): client certificates, versions, suites, HSTS.
    public static final AnnotationParser<SecretRef> CLIENT_AUTH_SECRET = TlsPolicyAnnotations.clientAuthSecret(AnnotationParser.PREFIX + "client-auth-secret");
    public static final AnnotationParser<ClientAuth.Mode> CLIENT_AUTH = TlsPolicyAnnotations.clientAuth(AnnotationParser.PREFIX + "client-auth");
    public static final AnnotationParser<Integer> CLIENT_AUTH_DEPTH = TlsPolicyAnnotations.depth(AnnotationParser.PREFIX + "client-auth-depth");
    public static final AnnotationParser<Boolean> CLIENT_AUTH_PASS_CERTIFICATE = TlsPolicyAnnotations.flag(AnnotationParser.PREFIX + "client-auth-pass-certificate");
    public static final AnnotationParser<String> CLIENT_AUTH_ERROR_PAGE = TlsPolicyAnnotations.errorPage(AnnotationParser.PREFIX + "client-auth-error-page");
    public static final AnnotationParser<String> MIN_TLS_VERSION = TlsPolicyAnnotations.minTlsVersion(AnnotationParser.PREFIX + "min-tls-version");
    public static final AnnotationParser<List<String>> CIPHERS = TlsPolicyAnnotations.ciphers(AnnotationParser.PREFIX + "ciphers");
    public static final AnnotationParser<Hsts> HSTS = TlsPolicyAnnotations.hsts(AnnotationParser.PREFIX + "hsts");
    // Canaries (CanaryAnnotations, CanaryPhase): ingress-nginx's names and values.
    public static final AnnotationParser<Boolean> CANARY = CanaryAnnotations.enabled(AnnotationParser.PREFIX + "canary");
    public static final AnnotationParser<String> CANARY_BY_HEADER = CanaryAnnotations.header(AnnotationParser.PREFIX + "canary-by-header");
    public static final AnnotationParser<String> CANARY_BY_HEADER_VALUE = CanaryAnnotations.headerValue(AnnotationParser.PREFIX + "canary-by-header-value");
    public static final AnnotationParser<String> CANARY_BY_HEADER_PATTERN = CanaryAnnotations.headerPattern(AnnotationParser.PREFIX + "canary-by-header-pattern");
    public static final AnnotationParser<String> CANARY_BY_COOKIE = CanaryAnnotations.cookie(AnnotationParser.PREFIX + "canary-by-cookie");
    public static final AnnotationParser<Integer> CANARY_WEIGHT = CanaryAnnotations.weight(AnnotationParser.PREFIX + "canary-weight");
    public static final AnnotationParser<Integer> CANARY_WEIGHT_TOTAL = CanaryAnnotations.weightTotal(AnnotationParser.PREFIX + "canary-weight-total");
    /** ingress-nginx's auth-tls-verify-client, with its "off"; portcullis.dev/client-auth wins over it. */
    public static final AnnotationParser<String> NGINX_VERIFY_CLIENT = TlsPolicyAnnotations.nginxVerifyClient(NGINX + "auth-tls-verify-client");

    // Who gets in (AccessAnnotations): source ranges, rate limits, external authentication; ingress-nginx's values.
    public static final AnnotationParser<List<String>> ALLOW_SOURCE_RANGES = AccessAnnotations.ranges(AnnotationParser.PREFIX + "allow-source-ranges");
    public static final AnnotationParser<List<String>> DENY_SOURCE_RANGES = AccessAnnotations.ranges(AnnotationParser.PREFIX + "deny-source-ranges");
    public static final AnnotationParser<Integer> LIMIT_RPS = AccessAnnotations.count(AnnotationParser.PREFIX + "limit-rps", "requests a second");
    public static final AnnotationParser<Integer> LIMIT_RPM = AccessAnnotations.count(AnnotationParser.PREFIX + "limit-rpm", "requests a minute");
    public static final AnnotationParser<Integer> LIMIT_BURST_MULTIPLIER = AccessAnnotations.count(AnnotationParser.PREFIX + "limit-burst-multiplier", "times the rate");
    public static final AnnotationParser<Integer> LIMIT_CONNECTIONS = AccessAnnotations.count(AnnotationParser.PREFIX + "limit-connections", "requests in progress");
    public static final AnnotationParser<List<String>> LIMIT_ALLOWLIST = AccessAnnotations.ranges(AnnotationParser.PREFIX + "limit-allowlist");
    public static final AnnotationParser<String> AUTH_URL = AccessAnnotations.url(AnnotationParser.PREFIX + "auth-url");
    public static final AnnotationParser<String> AUTH_SIGNIN = AccessAnnotations.signin(AnnotationParser.PREFIX + "auth-signin");
    public static final AnnotationParser<List<String>> AUTH_RESPONSE_HEADERS = AccessAnnotations.headerNames(AnnotationParser.PREFIX + "auth-response-headers");
    public static final AnnotationParser<String> AUTH_METHOD = AccessAnnotations.method(AnnotationParser.PREFIX + "auth-method");
    // Which pod answers (BalancingAnnotations): the policy, its hash key, the affinity cookie.
    public static final AnnotationParser<dev.portcullis.dataplane.config.BalancePolicy> LOAD_BALANCE = BalancingAnnotations.loadBalance(AnnotationParser.PREFIX + "load-balance");
    public static final AnnotationParser<dev.portcullis.dataplane.config.HashKey> HASH_BY = BalancingAnnotations.hashBy(AnnotationParser.PREFIX + "hash-by");
    public static final AnnotationParser<String> SESSION_COOKIE_NAME = BalancingAnnotations.cookieName(AnnotationParser.PREFIX + "session-cookie-name");
    public static final AnnotationParser<Long> SESSION_COOKIE_MAX_AGE = BalancingAnnotations.seconds(AnnotationParser.PREFIX + "session-cookie-max-age");
    public static final AnnotationParser<Long> SESSION_COOKIE_EXPIRES = BalancingAnnotations.seconds(AnnotationParser.PREFIX + "session-cookie-expires");
    public static final AnnotationParser<String> SESSION_COOKIE_PATH = BalancingAnnotations.cookiePath(AnnotationParser.PREFIX + "session-cookie-path");
    public static final AnnotationParser<String> SESSION_COOKIE_SAMESITE = BalancingAnnotations.sameSite(AnnotationParser.PREFIX + "session-cookie-samesite");
    public static final AnnotationParser<Boolean> SESSION_COOKIE_SECURE = BalancingAnnotations.flag(AnnotationParser.PREFIX + "session-cookie-secure");
    public static final AnnotationParser<String> SESSION_COOKIE_DOMAIN = BalancingAnnotations.cookieDomain(AnnotationParser.PREFIX + "session-cookie-domain");
    // Endpoint health and retries (HealthAnnotations).
    public static final AnnotationParser<HealthCheck.Kind> HEALTH_CHECK = HealthAnnotations.kind(AnnotationParser.PREFIX + "health-check");
    public static final AnnotationParser<String> HEALTH_CHECK_PATH = HealthAnnotations.path(AnnotationParser.PREFIX + "health-check-path");
    public static final AnnotationParser<HealthAnnotations.StatusRange> HEALTH_CHECK_STATUS = HealthAnnotations.statusRange(AnnotationParser.PREFIX + "health-check-status");
    public static final AnnotationParser<Long> HEALTH_CHECK_INTERVAL = DurationParser.duration(AnnotationParser.PREFIX + "health-check-interval");
    public static final AnnotationParser<Long> HEALTH_CHECK_TIMEOUT = DurationParser.duration(AnnotationParser.PREFIX + "health-check-timeout");
    public static final AnnotationParser<Integer> HEALTH_CHECK_HEALTHY_THRESHOLD = HealthAnnotations.count(AnnotationParser.PREFIX + "health-check-healthy-threshold", 1, 100);
    public static final AnnotationParser<Integer> HEALTH_CHECK_UNHEALTHY_THRESHOLD = HealthAnnotations.count(AnnotationParser.PREFIX + "health-check-unhealthy-threshold", 1, 100);
    public static final AnnotationParser<Boolean> OUTLIER_DETECTION = new ChoiceParser<>(AnnotationParser.PREFIX + "outlier-detection", ChoiceParser.choices("on", true, "off", false));
    public static final AnnotationParser<Integer> OUTLIER_CONSECUTIVE_FAILURES = HealthAnnotations.count(AnnotationParser.PREFIX + "outlier-consecutive-failures", 1, 1000);
    public static final AnnotationParser<Long> OUTLIER_EJECTION_TIME = DurationParser.duration(AnnotationParser.PREFIX + "outlier-ejection-time");
    public static final AnnotationParser<Long> OUTLIER_MAX_EJECTION_TIME = DurationParser.duration(AnnotationParser.PREFIX + "outlier-max-ejection-time");
    public static final AnnotationParser<Integer> OUTLIER_MAX_EJECTION_PERCENT = HealthAnnotations.count(AnnotationParser.PREFIX + "outlier-max-ejection-percent", 0, 100);
    public static final AnnotationParser<Integer> RETRIES = HealthAnnotations.count(AnnotationParser.PREFIX + "retries", 0, dev.portcullis.dataplane.config.RetryPolicy.MAX_RETRIES);
    public static final AnnotationParser<java.util.Set<dev.portcullis.dataplane.config.RetryPolicy.On>> RETRY_ON = HealthAnnotations.retryOn(AnnotationParser.PREFIX + "retry-on");
    public static final AnnotationParser<Long> PER_TRY_TIMEOUT = DurationParser.duration(AnnotationParser.PREFIX + "per-try-timeout");
    public static final AnnotationParser<Long> RETRY_TIMEOUT = DurationParser.duration(AnnotationParser.PREFIX + "retry-timeout");

    /** An ingress-nginx annotation read as a Portcullis one; {@code null} from its parser means "no setting". */
    private record Alias<T>(AnnotationParser<T> parser, AnnotationParser<T> target) {
    }

    private static final SortedMap<String, AnnotationParser<?>> REGISTRY = registry(TLS_MODE, SSL_REDIRECT,
            BACKEND_CA_SECRET, BACKEND_SERVER_NAME, BACKEND_CLIENT_CERT_SECRET, BACKEND_VERIFY, PROXY_PROTOCOL, AFFINITY,
            USE_REGEX, REWRITE_TARGET, X_FORWARDED_PREFIX, APP_ROOT, PERMANENT_REDIRECT, PERMANENT_REDIRECT_CODE,
            TEMPORAL_REDIRECT, TEMPORAL_REDIRECT_CODE,
            CONNECT_TIMEOUT, RESPONSE_TIMEOUT, SEND_TIMEOUT, IDLE_TIMEOUT, MAX_BODY_SIZE, BACKEND_PROTOCOL,
            REQUEST_HEADERS, RESPONSE_HEADERS, ENABLE_CORS, CORS_ALLOW_ORIGIN, CORS_ALLOW_METHODS, CORS_ALLOW_HEADERS,
            CORS_EXPOSE_HEADERS, CORS_ALLOW_CREDENTIALS, CORS_MAX_AGE, CUSTOM_HTTP_ERRORS, DEFAULT_BACKEND,
            CLIENT_AUTH_SECRET, CLIENT_AUTH, CLIENT_AUTH_DEPTH, CLIENT_AUTH_PASS_CERTIFICATE, CLIENT_AUTH_ERROR_PAGE,
            MIN_TLS_VERSION, CIPHERS, HSTS,
            CANARY, CANARY_BY_HEADER, CANARY_BY_HEADER_VALUE, CANARY_BY_HEADER_PATTERN, CANARY_BY_COOKIE, CANARY_WEIGHT,
            CANARY_WEIGHT_TOTAL,
            ALLOW_SOURCE_RANGES, DENY_SOURCE_RANGES, LIMIT_RPS, LIMIT_RPM, LIMIT_BURST_MULTIPLIER, LIMIT_CONNECTIONS,
            LIMIT_ALLOWLIST, AUTH_URL, AUTH_SIGNIN, AUTH_RESPONSE_HEADERS, AUTH_METHOD,
            LOAD_BALANCE, HASH_BY, SESSION_COOKIE_NAME, SESSION_COOKIE_MAX_AGE, SESSION_COOKIE_EXPIRES, SESSION_COOKIE_PATH,
            SESSION_COOKIE_SAMESITE, SESSION_COOKIE_SECURE, SESSION_COOKIE_DOMAIN,
            HEALTH_CHECK, HEALTH_CHECK_PATH, HEALTH_CHECK_STATUS, HEALTH_CHECK_INTERVAL, HEALTH_CHECK_TIMEOUT,
            HEALTH_CHECK_HEALTHY_THRESHOLD, HEALTH_CHECK_UNHEALTHY_THRESHOLD, OUTLIER_DETECTION,
            OUTLIER_CONSECUTIVE_FAILURES, OUTLIER_EJECTION_TIME, OUTLIER_MAX_EJECTION_TIME, OUTLIER_MAX_EJECTION_PERCENT,
            RETRIES, RETRY_ON, PER_TRY_TIMEOUT, RETRY_TIMEOUT);

    private static final List<Alias<?>> ALIASES = List.of(
            new Alias<>(new ChoiceParser<>(NGINX + "ssl-passthrough",
                    ChoiceParser.choices("true", TlsModeAnnotation.PASSTHROUGH, "false", null)), TLS_MODE),
            // The values ingress-nginx documents that Portcullis speaks (not FCGI, nor H2C/H2, which it has not).
            new Alias<>(new ChoiceParser<>(NGINX + "backend-protocol",
                    ChoiceParser.choices("HTTP", BackendProtocolAnnotation.HTTP, "HTTPS", BackendProtocolAnnotation.HTTPS,
                            "GRPC", BackendProtocolAnnotation.GRPC, "GRPCS", BackendProtocolAnnotation.GRPCS)), BACKEND_PROTOCOL),
            new Alias<>(new SecretNameParser(NGINX + "proxy-ssl-secret", "its ca.crt verifies the pods, its tls.crt/tls.key"
                    + " are shown to them"), BACKEND_CA_SECRET),
            new Alias<>(new SecretNameParser(NGINX + "proxy-ssl-secret", "its ca.crt verifies the pods, its tls.crt/tls.key"
                    + " are shown to them"), BACKEND_CLIENT_CERT_SECRET),
            new Alias<>(new ChoiceParser<>(NGINX + "proxy-ssl-verify", ChoiceParser.choices("on", true, "off", false)), BACKEND_VERIFY),
            new Alias<>(new ServerNameParser(NGINX + "proxy-ssl-name"), BACKEND_SERVER_NAME),
            new Alias<>(new ChoiceParser<>(NGINX + "ssl-redirect", ChoiceParser.choices("true", true, "false", false)), SSL_REDIRECT),
            new Alias<>(new ChoiceParser<>(NGINX + "force-ssl-redirect", ChoiceParser.choices("true", true, "false", null)),
                    SSL_REDIRECT),
            new Alias<>(new ChoiceParser<>(NGINX + "affinity", ChoiceParser.choices("cookie", AffinityAnnotation.COOKIE)),
                    AFFINITY),
            new Alias<>(PathAnnotations.useRegex(NGINX + "use-regex"), USE_REGEX),
            new Alias<>(PathAnnotations.rewriteTarget(NGINX + "rewrite-target"), REWRITE_TARGET),
            new Alias<>(PathAnnotations.forwardedPrefix(NGINX + "x-forwarded-prefix"), X_FORWARDED_PREFIX),
            new Alias<>(PathAnnotations.appRoot(NGINX + "app-root"), APP_ROOT),
            new Alias<>(PathAnnotations.redirectUrl(NGINX + "permanent-redirect"), PERMANENT_REDIRECT),
            new Alias<>(PathAnnotations.permanentCode(NGINX + "permanent-redirect-code"), PERMANENT_REDIRECT_CODE),
            new Alias<>(PathAnnotations.redirectUrl(NGINX + "temporal-redirect"), TEMPORAL_REDIRECT),
            new Alias<>(PathAnnotations.temporalCode(NGINX + "temporal-redirect-code"), TEMPORAL_REDIRECT_CODE),
            new Alias<>(DurationParser.nginxSeconds(NGINX + "proxy-connect-timeout"), CONNECT_TIMEOUT),
            new Alias<>(DurationParser.nginxSeconds(NGINX + "proxy-send-timeout"), SEND_TIMEOUT),
            // nginx's proxy_read_timeout is the longest wait between two reads from the pod, the first included.
            new Alias<>(DurationParser.nginxSeconds(NGINX + "proxy-read-timeout"), RESPONSE_TIMEOUT),
            new Alias<>(DurationParser.nginxSeconds(NGINX + "proxy-read-timeout"), IDLE_TIMEOUT),
            new Alias<>(new BodySizeParser(NGINX + "proxy-body-size"), MAX_BODY_SIZE),
            new Alias<>(HttpPolicyAnnotations.flag(NGINX + "enable-cors"), ENABLE_CORS),
            new Alias<>(HttpPolicyAnnotations.corsOrigins(NGINX + "cors-allow-origin"), CORS_ALLOW_ORIGIN),
            new Alias<>(HttpPolicyAnnotations.corsNames(NGINX + "cors-allow-methods", "methods"), CORS_ALLOW_METHODS),
            new Alias<>(HttpPolicyAnnotations.corsNames(NGINX + "cors-allow-headers", "header names"), CORS_ALLOW_HEADERS),
            new Alias<>(HttpPolicyAnnotations.corsNames(NGINX + "cors-expose-headers", "header names"), CORS_EXPOSE_HEADERS),
            new Alias<>(HttpPolicyAnnotations.flag(NGINX + "cors-allow-credentials"), CORS_ALLOW_CREDENTIALS),
            new Alias<>(HttpPolicyAnnotations.seconds(NGINX + "cors-max-age"), CORS_MAX_AGE),
            new Alias<>(HttpPolicyAnnotations.errorCodes(NGINX + "custom-http-errors"), CUSTOM_HTTP_ERRORS),
            new Alias<>(HttpPolicyAnnotations.serviceName(NGINX + "default-backend"), DEFAULT_BACKEND),
            new Alias<>(TlsPolicyAnnotations.clientAuthSecret(NGINX + "auth-tls-secret"), CLIENT_AUTH_SECRET),
            new Alias<>(NGINX_VERIFY_CLIENT, NGINX_VERIFY_CLIENT),
            new Alias<>(TlsPolicyAnnotations.depth(NGINX + "auth-tls-verify-depth"), CLIENT_AUTH_DEPTH),
            new Alias<>(TlsPolicyAnnotations.flag(NGINX + "auth-tls-pass-certificate-to-upstream"), CLIENT_AUTH_PASS_CERTIFICATE),
            new Alias<>(TlsPolicyAnnotations.errorPage(NGINX + "auth-tls-error-page"), CLIENT_AUTH_ERROR_PAGE),
            new Alias<>(TlsPolicyAnnotations.ciphers(NGINX + "ssl-ciphers"), CIPHERS),
            new Alias<>(CanaryAnnotations.nginxEnabled(NGINX + "canary"), CANARY),
            new Alias<>(CanaryAnnotations.header(NGINX + "canary-by-header"), CANARY_BY_HEADER),
            new Alias<>(CanaryAnnotations.headerValue(NGINX + "canary-by-header-value"), CANARY_BY_HEADER_VALUE),
            new Alias<>(CanaryAnnotations.headerPattern(NGINX + "canary-by-header-pattern"), CANARY_BY_HEADER_PATTERN),
            new Alias<>(CanaryAnnotations.cookie(NGINX + "canary-by-cookie"), CANARY_BY_COOKIE),
            new Alias<>(CanaryAnnotations.weight(NGINX + "canary-weight"), CANARY_WEIGHT),
            new Alias<>(CanaryAnnotations.weightTotal(NGINX + "canary-weight-total"), CANARY_WEIGHT_TOTAL),
            new Alias<>(AccessAnnotations.ranges(NGINX + "whitelist-source-range"), ALLOW_SOURCE_RANGES),
            new Alias<>(AccessAnnotations.ranges(NGINX + "allowlist-source-range"), ALLOW_SOURCE_RANGES),
            new Alias<>(AccessAnnotations.ranges(NGINX + "denylist-source-range"), DENY_SOURCE_RANGES),
            new Alias<>(AccessAnnotations.count(NGINX + "limit-rps", "requests a second"), LIMIT_RPS),
            new Alias<>(AccessAnnotations.count(NGINX + "limit-rpm", "requests a minute"), LIMIT_RPM),
            new Alias<>(AccessAnnotations.count(NGINX + "limit-burst-multiplier", "times the rate"), LIMIT_BURST_MULTIPLIER),
            new Alias<>(AccessAnnotations.count(NGINX + "limit-connections", "requests in progress"), LIMIT_CONNECTIONS),
            new Alias<>(AccessAnnotations.ranges(NGINX + "limit-whitelist"), LIMIT_ALLOWLIST),
            new Alias<>(AccessAnnotations.ranges(NGINX + "limit-allowlist"), LIMIT_ALLOWLIST),
            new Alias<>(AccessAnnotations.url(NGINX + "auth-url"), AUTH_URL),
            new Alias<>(AccessAnnotations.signin(NGINX + "auth-signin"), AUTH_SIGNIN),
            new Alias<>(AccessAnnotations.headerNames(NGINX + "auth-response-headers"), AUTH_RESPONSE_HEADERS),
            new Alias<>(AccessAnnotations.method(NGINX + "auth-method"), AUTH_METHOD),
            new Alias<>(BalancingAnnotations.nginxLoadBalance(NGINX + "load-balance"), LOAD_BALANCE),
            new Alias<>(BalancingAnnotations.nginxHashBy(NGINX + "upstream-hash-by"), HASH_BY),
            new Alias<>(BalancingAnnotations.cookieName(NGINX + "session-cookie-name"), SESSION_COOKIE_NAME),
            new Alias<>(BalancingAnnotations.seconds(NGINX + "session-cookie-max-age"), SESSION_COOKIE_MAX_AGE),
            new Alias<>(BalancingAnnotations.seconds(NGINX + "session-cookie-expires"), SESSION_COOKIE_EXPIRES),
            new Alias<>(BalancingAnnotations.cookiePath(NGINX + "session-cookie-path"), SESSION_COOKIE_PATH),
            new Alias<>(BalancingAnnotations.sameSite(NGINX + "session-cookie-samesite"), SESSION_COOKIE_SAMESITE),
            new Alias<>(BalancingAnnotations.flag(NGINX + "session-cookie-secure"), SESSION_COOKIE_SECURE),
            new Alias<>(BalancingAnnotations.cookieDomain(NGINX + "session-cookie-domain"), SESSION_COOKIE_DOMAIN),
            new Alias<>(HealthAnnotations.nginxNextUpstream(NGINX + "proxy-next-upstream"), RETRY_ON),
            new Alias<>(HealthAnnotations.nginxTries(NGINX + "proxy-next-upstream-tries"), RETRIES),
            new Alias<>(HealthAnnotations.nginxRetryTimeout(NGINX + "proxy-next-upstream-timeout"), RETRY_TIMEOUT));

    /** ingress-nginx annotations that are read but change nothing here, with the reason users are told. */
    private static final Map<String, String> NOTED = Map.of(
            NGINX + "proxy-ssl-server-name", "Portcullis always sends the backend server name as SNI");

    private final Map<AnnotationParser<?>, Object> values;
    private final Map<AnnotationParser<?>, String> sources;
    private final List<String> invalid;
    private final List<String> unknown;
    private final List<String> notes;
    private final List<String> nginxIgnored;
    private final List<String> nginxRefused;

    private IngressAnnotations(Map<AnnotationParser<?>, Object> values, Map<AnnotationParser<?>, String> sources,
                               List<String> invalid, List<String> unknown, List<String> notes, List<String> nginxIgnored,
                               List<String> nginxRefused) {
        this.values = values;
        this.sources = sources;
        this.invalid = invalid;
        this.unknown = unknown;
        this.notes = notes;
        this.nginxIgnored = nginxIgnored;
        this.nginxRefused = nginxRefused;
    }

    public static IngressAnnotations read(Map<String, String> annotations) {
        Map<String, String> sorted = new TreeMap<>(annotations == null ? Map.<String, String>of() : annotations);
        // By identity: each parser is one constant. A hashed map's virtual hashCode and equals made C2
        // spend 142 MB of native arena compiling one caller of get() (RouteActions.report), memory
        // the operator's process then kept; by identity, 52 MB.
        Map<AnnotationParser<?>, Object> values = new IdentityHashMap<>();
        Map<AnnotationParser<?>, String> sources = new IdentityHashMap<>();
        List<String> invalid = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> nginxIgnored = new ArrayList<>();
        List<String> nginxRefused = new ArrayList<>();
        sorted.entrySet().stream().filter(entry -> entry.getKey().startsWith(NGINX)).forEach(entry -> {
            String name = entry.getKey();
            switch (NginxAnnotationPolicy.verdict(name.substring(NGINX.length()), entry.getValue())) {
                case IMPLEMENTED -> { }
                case WARNED -> nginxIgnored.add(name);
                case REFUSED -> nginxRefused.add(name);
            }
        });
        sorted.forEach((name, value) -> {
            if (!name.startsWith(AnnotationParser.PREFIX)) {
                return;
            }
            AnnotationParser<?> parser = REGISTRY.get(name);
            if (parser == null) {
                unknown.add(name);
            } else {
                parse(parser, parser, value, values, sources, invalid);
            }
        });
        for (Alias<?> alias : ALIASES) {
            String value = sorted.get(alias.parser().name());
            if (value != null && !values.containsKey(alias.target())) {
                parse(alias.parser(), alias.target(), value, values, sources, invalid);
            }
        }
        NOTED.forEach((name, note) -> {
            if (sorted.containsKey(name)) {
                notes.add(name + " is read but " + note);
            }
        });
        return new IngressAnnotations(values, sources, List.copyOf(invalid), List.copyOf(unknown), List.copyOf(notes),
                List.copyOf(nginxIgnored), List.copyOf(nginxRefused));
    }

    private static void parse(AnnotationParser<?> parser, AnnotationParser<?> target, String raw,
                              Map<AnnotationParser<?>, Object> values, Map<AnnotationParser<?>, String> sources,
                              List<String> invalid) {
        try {
            Object value = parser.parse(raw == null ? "" : raw.trim());
            if (value != null) {
                values.put(target, value);
                sources.put(target, parser.name());
            }
        } catch (InvalidAnnotationException e) {
            if (!invalid.contains(e.getMessage())) {
                invalid.add(e.getMessage());
            }
        }
    }

    /** The annotation's value when it (or its alias) is present and valid. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(AnnotationParser<T> parser) {
        return Optional.ofNullable((T) values.get(parser));
    }

    /** Which annotation gave the value: the Portcullis one or the alias, for problem messages. */
    public String sourceOf(AnnotationParser<?> parser) {
        return sources.getOrDefault(parser, parser.name());
    }

    /** One message per invalid value, naming the annotation and the accepted values. */
    public List<String> invalid() {
        return invalid;
    }

    public List<String> unknown() {
        return unknown;
    }

    /** ingress-nginx annotations that Portcullis does not implement and that are safe to ignore. */
    public List<String> nginxIgnored() {
        return nginxIgnored;
    }

    /** ingress-nginx annotations that restrict access and are not implemented: the Ingress must not be served. */
    public List<String> nginxRefused() {
        return nginxRefused;
    }

    /** Alias annotations that are understood but have no effect here. */
    public List<String> notes() {
        return notes;
    }

    public static List<String> knownNames() {
        return List.copyOf(REGISTRY.keySet());
    }

    private static SortedMap<String, AnnotationParser<?>> registry(AnnotationParser<?>... parsers) {
        SortedMap<String, AnnotationParser<?>> byName = new TreeMap<>();
        for (AnnotationParser<?> parser : parsers) {
            byName.put(parser.name(), parser);
        }
        return Collections.unmodifiableSortedMap(byName);
    }
}
