package dev.portcullis.operator.annotation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The access annotations' values: what is read, and the clear error for what is not. */
class AccessAnnotationsTest {

    @ParameterizedTest(name = "\"{0}\" reads as {1}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/8 | 10.0.0.0/8",
            "10.1.2.3 | 10.1.2.3/32",
            "' 10.0.0.0/8 ,192.168.0.1 ' | 10.0.0.0/8;192.168.0.1/32",
            "2001:DB8::/32 | 2001:db8::/32",
            "::1 | ::1/128",
            "fe80:0:0:1:0:0:0:1/64 | fe80:0:0:1::1/64",
            "0.0.0.0/0,::/0 | 0.0.0.0/0;::/0",
    })
    void sourceRanges(String value, String expected) {
        assertThat(IngressAnnotations.ALLOW_SOURCE_RANGES.parse(value.trim())).containsExactly(expected.split(";"));
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/33 | has a prefix length outside 0-32",
            "::/129 | has a prefix length outside 0-128",
            "10.0.0.0/8, | \"\" is not an IPv4 or IPv6 address",
            "example.com | \"example.com\" is not an IPv4 or IPv6 address",
            "10.0.0.0/08 | has a prefix length",
            "::ffff:10.0.0.1/104 | is not an IPv4 or IPv6 address",
            "10.0.0 | is not an IPv4 or IPv6 address",
    })
    void invalidSourceRangesNameTheEntryAndTheAnnotation(String value, String why) {
        assertThatThrownBy(() -> IngressAnnotations.DENY_SOURCE_RANGES.parse(value))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageStartingWith("portcullis.dev/deny-source-ranges: ")
                .hasMessageContaining(why)
                .hasMessageContaining("use a comma-separated list of IPv4 or IPv6 addresses or networks");
    }

    @Test
    void anEmptyListIsRefusedNotReadAsEveryone() {
        assertThatThrownBy(() -> IngressAnnotations.ALLOW_SOURCE_RANGES.parse("")).isInstanceOf(InvalidAnnotationException.class);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "10, 10", "1000000, 1000000"})
    void rates(String value, int expected) {
        assertThat(IngressAnnotations.LIMIT_RPS.parse(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "1.5", "10r/s", "''", "1000001", "99999999999"})
    void invalidRates(String value) {
        assertThatThrownBy(() -> IngressAnnotations.LIMIT_RPM.parse(value)).isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("requests a minute");
    }

    @Test
    void authValues() {
        assertThat(IngressAnnotations.AUTH_URL.parse("http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth"))
                .isEqualTo("http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth");
        assertThat(IngressAnnotations.AUTH_URL.parse("https://127.0.0.1:4180/oauth2/auth")).isNotNull();
        assertThat(IngressAnnotations.AUTH_METHOD.parse("post")).isEqualTo("POST");
        assertThat(IngressAnnotations.AUTH_RESPONSE_HEADERS.parse("X-Auth-Request-User, X-Auth-Request-Email"))
                .containsExactly("X-Auth-Request-User", "X-Auth-Request-Email");
        for (String bad : List.of("ftp://a/", "/oauth2/auth", "http://", "http://a b/", "oauth2-proxy")) {
            assertThatThrownBy(() -> IngressAnnotations.AUTH_URL.parse(bad)).as(bad).isInstanceOf(InvalidAnnotationException.class);
        }
        assertThatThrownBy(() -> IngressAnnotations.AUTH_SIGNIN.parse("https://a/start?rd=$escaped_request_uri"))
                .hasMessageContaining("no nginx variables");
        assertThatThrownBy(() -> IngressAnnotations.AUTH_METHOD.parse("GE T")).isInstanceOf(InvalidAnnotationException.class);
        assertThatThrownBy(() -> IngressAnnotations.AUTH_RESPONSE_HEADERS.parse("X-User,")).isInstanceOf(InvalidAnnotationException.class);
    }

    @Test
    void nginxNamesAreAliasesAndThePortcullisNameWins() {
        IngressAnnotations read = IngressAnnotations.read(Map.of(
                "nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8",
                "nginx.ingress.kubernetes.io/denylist-source-range", "10.1.0.0/16",
                "nginx.ingress.kubernetes.io/limit-rps", "5",
                "nginx.ingress.kubernetes.io/limit-allowlist", "192.168.0.0/16",
                "nginx.ingress.kubernetes.io/auth-url", "http://auth.example.test/",
                "portcullis.dev/auth-url", "http://other.example.test/"));
        assertThat(read.nginxRefused()).isEmpty();
        assertThat(read.invalid()).isEmpty();
        assertThat(read.get(IngressAnnotations.ALLOW_SOURCE_RANGES)).contains(List.of("10.0.0.0/8"));
        assertThat(read.get(IngressAnnotations.DENY_SOURCE_RANGES)).contains(List.of("10.1.0.0/16"));
        assertThat(read.get(IngressAnnotations.LIMIT_RPS)).contains(5);
        assertThat(read.get(IngressAnnotations.LIMIT_ALLOWLIST)).contains(List.of("192.168.0.0/16"));
        assertThat(read.get(IngressAnnotations.AUTH_URL)).contains("http://other.example.test/");
        assertThat(read.sourceOf(IngressAnnotations.AUTH_URL)).isEqualTo("portcullis.dev/auth-url");
    }

    @Test
    void anInvalidAliasValueIsAProblemNamingTheAlias() {
        IngressAnnotations read = IngressAnnotations.read(Map.of("nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8,bogus"));
        assertThat(read.invalid()).singleElement().asString()
                .startsWith("nginx.ingress.kubernetes.io/whitelist-source-range: \"bogus\" is not an IPv4 or IPv6 address");
    }
}
