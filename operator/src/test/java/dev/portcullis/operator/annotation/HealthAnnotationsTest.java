package dev.portcullis.operator.annotation;

import dev.portcullis.dataplane.config.RetryPolicy.On;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table tests of the health and retry annotations and of their ingress-nginx aliases. */
class HealthAnnotationsTest {

    @ParameterizedTest(name = "health-check-status {0} -> {1}-{2}")
    @CsvSource({"200, 200, 200", "2xx, 200, 299", "5XX, 500, 599", "200-399, 200, 399", "204-204, 204, 204"})
    void statusRanges(String value, int from, int to) {
        assertThat(IngressAnnotations.HEALTH_CHECK_STATUS.parse(value)).isEqualTo(new HealthAnnotations.StatusRange(from, to));
    }

    @ParameterizedTest(name = "health-check-status \"{0}\" is invalid")
    @CsvSource({"600", "99", "6xx", "399-200", "2xx-3xx", "ok", "''"})
    void invalidStatusRanges(String value) {
        assertThatThrownBy(() -> IngressAnnotations.HEALTH_CHECK_STATUS.parse(value))
                .isInstanceOf(InvalidAnnotationException.class).hasMessageContaining("portcullis.dev/health-check-status");
    }

    @ParameterizedTest(name = "health-check-path \"{0}\" valid: {1}")
    @CsvSource({"/healthz, true", "/ready?full=1, true", "healthz, false", "'/a b', false", "'', false"})
    void paths(String value, boolean valid) {
        if (valid) {
            assertThat(IngressAnnotations.HEALTH_CHECK_PATH.parse(value)).isEqualTo(value);
        } else {
            assertThatThrownBy(() -> IngressAnnotations.HEALTH_CHECK_PATH.parse(value)).isInstanceOf(InvalidAnnotationException.class);
        }
    }

    @ParameterizedTest(name = "retry-on \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "connect-failure | CONNECT_FAILURE",
            "reset, http-503 , HTTP-504 | RESET HTTP_503 HTTP_504",
            "timeout,http-500,http-502 | TIMEOUT HTTP_500 HTTP_502",
            "none | ''"})
    void retryOn(String value, String expected) {
        assertThat(IngressAnnotations.RETRY_ON.parse(value)).isEqualTo(on(expected));
    }

    @ParameterizedTest(name = "proxy-next-upstream \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "error timeout | CONNECT_FAILURE RESET TIMEOUT",
            "error  http_502 http_503 http_504 | CONNECT_FAILURE RESET HTTP_502 HTTP_503 HTTP_504",
            "http_500 | HTTP_500",
            "off | ''"})
    void nginxProxyNextUpstream(String value, String expected) {
        IngressAnnotations read = IngressAnnotations.read(Map.of(IngressAnnotations.NGINX + "proxy-next-upstream", value));
        assertThat(read.invalid()).isEmpty();
        assertThat(read.get(IngressAnnotations.RETRY_ON)).contains(on(expected));
    }

    @ParameterizedTest(name = "proxy-next-upstream \"{0}\" is refused by name")
    @CsvSource({"non_idempotent", "invalid_header", "http_403", "http_404", "http_429", "error tiemout"})
    void nginxValuesNotImplementedAreInvalid(String value) {
        IngressAnnotations read = IngressAnnotations.read(Map.of(IngressAnnotations.NGINX + "proxy-next-upstream", value));
        assertThat(read.invalid()).singleElement().asString()
                .contains("nginx.ingress.kubernetes.io/proxy-next-upstream").contains(value.split(" ")[value.split(" ").length - 1]);
    }

    @ParameterizedTest(name = "proxy-next-upstream-tries {0} -> retries {1}")
    @CsvSource({"1, 0", "3, 2", "11, 10", "0, 10"})
    void nginxTries(String value, int retries) {
        assertThat(IngressAnnotations.read(Map.of(IngressAnnotations.NGINX + "proxy-next-upstream-tries", value))
                .get(IngressAnnotations.RETRIES)).contains(retries);
    }

    @ParameterizedTest(name = "proxy-next-upstream-timeout {0} -> {1} ms")
    @CsvSource({"10, 10000", "0, -1"})
    void nginxRetryTimeout(String value, long millis) {
        var read = IngressAnnotations.read(Map.of(IngressAnnotations.NGINX + "proxy-next-upstream-timeout", value))
                .get(IngressAnnotations.RETRY_TIMEOUT);
        assertThat(read.orElse(-1L)).isEqualTo(millis);
    }

    @ParameterizedTest(name = "{0}: \"{1}\" is invalid")
    @CsvSource({"retries, 11", "retries, -1", "retries, two", "outlier-max-ejection-percent, 101",
            "outlier-consecutive-failures, 0", "health-check-healthy-threshold, 0", "health-check, grpc",
            "outlier-detection, true", "per-try-timeout, 0", "retry-on, 5xx"})
    void invalidPortcullisValues(String name, String value) {
        assertThat(IngressAnnotations.read(Map.of("portcullis.dev/" + name, value)).invalid()).singleElement().asString()
                .startsWith("portcullis.dev/" + name);
    }

    private static Set<On> on(String names) {
        return names.isBlank() ? EnumSet.noneOf(On.class)
                : Arrays.stream(names.trim().split("\\s+")).map(On::valueOf).collect(Collectors.toCollection(() -> EnumSet.noneOf(On.class)));
    }
}
