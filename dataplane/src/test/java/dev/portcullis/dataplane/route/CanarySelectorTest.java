package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.Canary;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ingress-nginx's order of canary rules, decided on request fields alone. */
class CanarySelectorTest {

    private static HttpHeaders fields(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    @Test
    void noCanaryMeansNoSelector() {
        assertThat(CanarySelector.of(null)).isNull();
    }

    @Test
    void headerAlwaysAndNeverDecideOtherValuesFallThrough() {
        CanarySelector selector = CanarySelector.of(new Canary("c", "X-Canary", null, null, null, 100, 100));
        assertThat(selector.toCanary(fields("x-canary", "always"))).isTrue();
        assertThat(selector.toCanary(fields("X-CANARY", "never"))).isFalse();
        assertThat(selector.toCanary(fields("x-canary", "other"))).isTrue(); // the weight, 100 of 100
        assertThat(selector.toCanary(fields())).isTrue();
    }

    @Test
    void aHeaderValueReplacesAlwaysAndNever() {
        CanarySelector selector = CanarySelector.of(new Canary("c", "X-Canary", "blue", null, null, 0, 100));
        assertThat(selector.toCanary(fields("x-canary", "blue"))).isTrue();
        assertThat(selector.toCanary(fields("x-canary", "always"))).isFalse();
        assertThat(selector.toCanary(fields("x-canary", "BLUE"))).isFalse();
    }

    @Test
    void aPatternIsFoundAnywhereInTheValueAsNginxMatchesIt() {
        CanarySelector selector = CanarySelector.of(new Canary("c", "X-Canary", null, "beta|gamma", null, 0, 100));
        assertThat(selector.toCanary(fields("x-canary", "user-beta-7"))).isTrue();
        assertThat(selector.toCanary(fields("x-canary", "alpha"))).isFalse();
        assertThat(selector.toCanary(fields("x-canary", "always"))).isFalse();
    }

    @Test
    void theCookieIsFoundInAnyCookieFieldAndComesAfterTheHeader() {
        CanarySelector selector = CanarySelector.of(new Canary("c", "X-Canary", null, null, "canary", 0, 100));
        assertThat(selector.toCanary(fields("cookie", "a=1", "cookie", "canary=always"))).isTrue();
        assertThat(selector.toCanary(fields("cookie", "a=1; canary=always; b=2"))).isTrue();
        assertThat(selector.toCanary(fields("cookie", "canary=never"))).isFalse();
        assertThat(selector.toCanary(fields("x-canary", "never", "cookie", "canary=always"))).isFalse();
        assertThat(selector.toCanary(fields("x-canary", "always", "cookie", "canary=never"))).isTrue();
        assertThat(selector.toCanary(fields("x-canary", "maybe", "cookie", "canary=always"))).isTrue();
        assertThat(selector.toCanary(fields("cookie", "notcanary=always"))).isFalse();
    }

    @Test
    void aCookieNeverBeatsTheWeight() {
        CanarySelector selector = CanarySelector.of(new Canary("c", null, null, null, "canary", 100, 100));
        assertThat(selector.toCanary(fields("cookie", "canary=never"))).isFalse();
        assertThat(selector.toCanary(fields("cookie", "canary=sometimes"))).isTrue();
    }
}
