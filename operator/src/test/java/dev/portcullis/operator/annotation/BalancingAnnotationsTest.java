package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.HashKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Table tests of load-balance, hash-by and session-cookie-*, and of their ingress-nginx aliases. */
class BalancingAnnotationsTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @ParameterizedTest
    @CsvSource({"portcullis.dev/load-balance, round-robin, ROUND_ROBIN",
            "portcullis.dev/load-balance, least-request, LEAST_REQUEST",
            "portcullis.dev/load-balance, ring-hash, RING_HASH",
            "portcullis.dev/load-balance, client-ip, CLIENT_IP",
            "nginx.ingress.kubernetes.io/load-balance, round_robin, ROUND_ROBIN",
            "nginx.ingress.kubernetes.io/load-balance, ewma, LEAST_REQUEST"})
    void loadBalanceAndItsAlias(String name, String value, BalancePolicy expected) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(name, value));
        assertThat(annotations.invalid()).isEmpty();
        assertThat(annotations.get(IngressAnnotations.LOAD_BALANCE)).hasValue(expected);
        assertThat(annotations.sourceOf(IngressAnnotations.LOAD_BALANCE)).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource({"portcullis.dev/load-balance, round_robin", "portcullis.dev/load-balance, Round-Robin",
            "portcullis.dev/load-balance, random", "nginx.ingress.kubernetes.io/load-balance, round-robin",
            "nginx.ingress.kubernetes.io/load-balance, chash", "nginx.ingress.kubernetes.io/load-balance, ''"})
    void otherPoliciesAreInvalid(String name, String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(name, value));
        assertThat(annotations.invalid()).singleElement().asString().startsWith(name + ": ");
        assertThat(annotations.get(IngressAnnotations.LOAD_BALANCE)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"portcullis.dev/hash-by, header:X-User, header:X-User",
            "portcullis.dev/hash-by, cookie:session, cookie:session",
            "portcullis.dev/hash-by, client-ip, client-ip",
            "portcullis.dev/hash-by, uri, uri",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $remote_addr, client-ip",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $binary_remote_addr, client-ip",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $http_x_user_id, header:x-user-id",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $cookie_JSESSIONID, cookie:JSESSIONID",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $request_uri, uri"})
    void hashByAndItsAlias(String name, String value, String expected) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(name, value));
        assertThat(annotations.invalid()).isEmpty();
        assertThat(annotations.get(IngressAnnotations.HASH_BY)).map(HashKey::toString).hasValue(expected);
    }

    @ParameterizedTest
    @CsvSource({"portcullis.dev/hash-by, header:", "portcullis.dev/hash-by, header:X User",
            "portcullis.dev/hash-by, query:user", "portcullis.dev/hash-by, X-User", "portcullis.dev/hash-by, cookie:a;b",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $host", "nginx.ingress.kubernetes.io/upstream-hash-by, $uri",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $host$request_uri",
            "nginx.ingress.kubernetes.io/upstream-hash-by, $http_", "nginx.ingress.kubernetes.io/upstream-hash-by, $cookie_a$b",
            "nginx.ingress.kubernetes.io/upstream-hash-by, remote_addr"})
    void otherKeysAreInvalidAndNamed(String name, String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(name, value));
        assertThat(annotations.invalid()).singleElement().asString().startsWith(name + ": \"" + value + "\" is not valid; use ");
    }

    @ParameterizedTest
    @CsvSource({"session-cookie-name, route", "session-cookie-max-age, 172800", "session-cookie-expires, 0",
            "session-cookie-path, /shop", "session-cookie-samesite, None", "session-cookie-samesite, Strict",
            "session-cookie-secure, true", "session-cookie-domain, example.com", "session-cookie-domain, .example.com"})
    void sessionCookieSettingsAndTheirAliases(String name, String value) {
        for (String prefix : new String[] {"portcullis.dev/", NGINX}) {
            IngressAnnotations annotations = IngressAnnotations.read(Map.of(prefix + name, value));
            assertThat(annotations.invalid()).as(prefix + name).isEmpty();
            assertThat(annotations.nginxIgnored()).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource({"session-cookie-name, a b", "session-cookie-name, a;b", "session-cookie-max-age, -1",
            "session-cookie-max-age, 1h", "session-cookie-expires, 99999999999", "session-cookie-path, shop",
            "session-cookie-path, /a;b", "session-cookie-samesite, lax", "session-cookie-samesite, none",
            "session-cookie-secure, yes", "session-cookie-domain, example.com;", "session-cookie-domain, -bad.com"})
    void badSessionCookieSettingsAreInvalid(String name, String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("portcullis.dev/" + name, value));
        assertThat(annotations.invalid()).singleElement().asString().startsWith("portcullis.dev/" + name + ": ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"session-cookie-change-on-failure", "session-cookie-conditional-samesite-none",
            "upstream-hash-by-subset", "affinity-mode"})
    void whatIsNotImplementedIsWarned(String name) {
        assertThat(IngressAnnotations.read(Map.of(NGINX + name, "true")).nginxIgnored()).containsExactly(NGINX + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"portcullis.dev/load-balance", "portcullis.dev/hash-by"})
    void thePortcullisAnnotationWinsOverItsAlias(String name) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(name, name.endsWith("hash-by") ? "header:X-A" : "least-request",
                NGINX + "load-balance", "round_robin", NGINX + "upstream-hash-by", "$remote_addr"));
        assertThat(annotations.sourceOf(name.endsWith("hash-by") ? IngressAnnotations.HASH_BY : IngressAnnotations.LOAD_BALANCE))
                .isEqualTo(name);
    }
}
