package dev.portcullis.operator.annotation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Table tests of the path annotations (use-regex, rewrite-target, x-forwarded-prefix, app-root, redirects) and their aliases. */
class PathAnnotationsTest {

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "use-regex | true | true",
            "use-regex | false | false",
            "rewrite-target | /$2 | /$2",
            "rewrite-target | / | /",
            "rewrite-target | $1 | $1",
            "rewrite-target | /api/$1/$2?x=$3 | /api/$1/$2?x=$3",
            "x-forwarded-prefix | /path | /path",
            "app-root | /app1 | /app1",
            "permanent-redirect | https://www.google.com | https://www.google.com",
            "permanent-redirect | http://new.example.com$request_uri | http://new.example.com$request_uri",
            "permanent-redirect-code | 308 | 308",
            "permanent-redirect-code | 300 | 300",
            "temporal-redirect | https://status.example.com/down?x=1 | https://status.example.com/down?x=1",
            "temporal-redirect-code | 307 | 307",
    })
    void acceptTheirValuesUnderBothNames(String name, String value, String expected) {
        for (String prefix : new String[] {"portcullis.dev/", "nginx.ingress.kubernetes.io/"}) {
            IngressAnnotations annotations = IngressAnnotations.read(Map.of(prefix + name, value));
            assertThat(annotations.invalid()).isEmpty();
            assertThat(annotations.nginxIgnored()).isEmpty();
            assertThat(annotations.nginxRefused()).isEmpty();
            assertThat(annotations.get(parser(name))).map(Object::toString).hasValue(expected);
        }
    }

    @ParameterizedTest(name = "{0}: \"{1}\" is invalid")
    @CsvSource(delimiter = '|', value = {
            "use-regex | yes",
            "use-regex | True",
            "rewrite-target | ''",
            "rewrite-target | api/$1",
            "rewrite-target | /$host",
            "rewrite-target | /a b",
            "rewrite-target | /$",
            "x-forwarded-prefix | ''",
            "x-forwarded-prefix | '/a b'",
            "app-root | app1",
            "app-root | ''",
            "permanent-redirect | www.google.com",
            "permanent-redirect | ftp://files.example.com",
            "permanent-redirect | https://",
            "permanent-redirect | https:///path",
            "permanent-redirect | https://example.com/$host",
            "permanent-redirect-code | 301.0",
            "permanent-redirect-code | 200",
            "permanent-redirect-code | 309",
            "temporal-redirect-code | 308",
            "temporal-redirect-code | abc",
    })
    void refuseOtherValuesByName(String name, String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("nginx.ingress.kubernetes.io/" + name, value));
        assertThat(annotations.get(parser(name))).isEmpty();
        assertThat(annotations.invalid()).singleElement().asString()
                .startsWith("nginx.ingress.kubernetes.io/" + name + ": \"" + value + "\" is not valid; use ");
    }

    @Test
    void aPortcullisNameWinsOverItsAlias() {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(
                "nginx.ingress.kubernetes.io/rewrite-target", "/$1",
                "portcullis.dev/rewrite-target", "/v2/$1"));
        assertThat(annotations.get(IngressAnnotations.REWRITE_TARGET)).hasValue("/v2/$1");
        assertThat(annotations.sourceOf(IngressAnnotations.REWRITE_TARGET)).isEqualTo("portcullis.dev/rewrite-target");
    }

    private static AnnotationParser<?> parser(String name) {
        return switch (name) {
            case "use-regex" -> IngressAnnotations.USE_REGEX;
            case "rewrite-target" -> IngressAnnotations.REWRITE_TARGET;
            case "x-forwarded-prefix" -> IngressAnnotations.X_FORWARDED_PREFIX;
            case "app-root" -> IngressAnnotations.APP_ROOT;
            case "permanent-redirect" -> IngressAnnotations.PERMANENT_REDIRECT;
            case "permanent-redirect-code" -> IngressAnnotations.PERMANENT_REDIRECT_CODE;
            case "temporal-redirect" -> IngressAnnotations.TEMPORAL_REDIRECT;
            case "temporal-redirect-code" -> IngressAnnotations.TEMPORAL_REDIRECT_CODE;
            default -> throw new IllegalArgumentException(name);
        };
    }
}
