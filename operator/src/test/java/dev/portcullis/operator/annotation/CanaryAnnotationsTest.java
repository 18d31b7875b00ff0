package dev.portcullis.operator.annotation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Table tests of the canary annotations, under both prefixes; the portcullis.dev/ name wins over its alias. */
class CanaryAnnotationsTest {

    private static final String NGINX = IngressAnnotations.NGINX;

    private static AnnotationParser<?> parser(String name) {
        return switch (name) {
            case "canary" -> IngressAnnotations.CANARY;
            case "canary-by-header" -> IngressAnnotations.CANARY_BY_HEADER;
            case "canary-by-header-value" -> IngressAnnotations.CANARY_BY_HEADER_VALUE;
            case "canary-by-header-pattern" -> IngressAnnotations.CANARY_BY_HEADER_PATTERN;
            case "canary-by-cookie" -> IngressAnnotations.CANARY_BY_COOKIE;
            case "canary-weight" -> IngressAnnotations.CANARY_WEIGHT;
            case "canary-weight-total" -> IngressAnnotations.CANARY_WEIGHT_TOTAL;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}{1}: \"{2}\" -> {3}")
    @CsvSource(delimiter = ';', value = {
            "portcullis.dev/ ; canary ; true ; true", "portcullis.dev/ ; canary ; false ; false",
            "nginx ; canary ; true ; true", "nginx ; canary ; True ; true", "nginx ; canary ; 1 ; true",
            "nginx ; canary ; f ; false",
            "portcullis.dev/ ; canary-by-header ; X-Canary ; X-Canary",
            "nginx ; canary-by-header ; x_beta.flag ; x_beta.flag",
            "portcullis.dev/ ; canary-by-header-value ; staging v2 ; staging v2",
            "nginx ; canary-by-header-pattern ; ^(beta|qa)-[0-9]+$ ; ^(beta|qa)-[0-9]+$",
            "portcullis.dev/ ; canary-by-cookie ; use_canary ; use_canary",
            "portcullis.dev/ ; canary-weight ; 0 ; 0", "nginx ; canary-weight ; 100 ; 100",
            "nginx ; canary-weight ; 1000000 ; 1000000",
            "portcullis.dev/ ; canary-weight-total ; 1 ; 1", "nginx ; canary-weight-total ; 1000 ; 1000",
    })
    void acceptedValues(String prefix, String name, String value, String expected) {
        String full = (prefix.equals("nginx") ? NGINX : prefix) + name;
        IngressAnnotations read = IngressAnnotations.read(Map.of(full, value));
        assertThat(read.invalid()).isEmpty();
        assertThat(read.get(parser(name))).map(Object::toString).hasValue(expected);
        assertThat(read.sourceOf(parser(name))).isEqualTo(full);
    }

    @ParameterizedTest(name = "{0}{1}: \"{2}\" is invalid")
    @CsvSource(delimiter = ';', value = {
            "portcullis.dev/ ; canary ; True", "portcullis.dev/ ; canary ; yes", "nginx ; canary ; yes", "nginx ; canary ; ''",
            "portcullis.dev/ ; canary-by-header ; X Canary", "nginx ; canary-by-header ; X-Canary:", "nginx ; canary-by-header ; ''",
            "portcullis.dev/ ; canary-by-header-value ; ''",
            "nginx ; canary-by-header-pattern ; (beta", "nginx ; canary-by-header-pattern ; ^(?=beta)",
            "nginx ; canary-by-header-pattern ; (a{1000}){1000}", "nginx ; canary-by-header-pattern ; ''",
            "portcullis.dev/ ; canary-by-cookie ; a=b", "nginx ; canary-by-cookie ; 'a;b'",
            "nginx ; canary-weight ; -1", "nginx ; canary-weight ; 30%", "nginx ; canary-weight ; 1.5",
            "nginx ; canary-weight ; 1000001", "portcullis.dev/ ; canary-weight ; ''",
            "nginx ; canary-weight-total ; 0", "nginx ; canary-weight-total ; 99999999", "nginx ; canary-weight-total ; ten",
    })
    void invalidValuesAreNamedNeverDefaulted(String prefix, String name, String value) {
        String full = (prefix.equals("nginx") ? NGINX : prefix) + name;
        IngressAnnotations read = IngressAnnotations.read(Map.of(full, value));
        assertThat(read.get(parser(name))).isEmpty();
        assertThat(read.invalid()).singleElement().asString().startsWith(full + ":");
    }

    @Test
    void thePortcullisNameWinsOverTheNginxOne() {
        IngressAnnotations read = IngressAnnotations.read(Map.of("portcullis.dev/canary-weight", "20",
                NGINX + "canary-weight", "80", NGINX + "canary", "true"));
        assertThat(read.get(IngressAnnotations.CANARY_WEIGHT)).hasValue(20);
        assertThat(read.sourceOf(IngressAnnotations.CANARY_WEIGHT)).isEqualTo("portcullis.dev/canary-weight");
        assertThat(read.get(IngressAnnotations.CANARY)).hasValue(true);
        assertThat(read.nginxRefused()).isEmpty();
        assertThat(read.nginxIgnored()).isEmpty();
    }

    @Test
    void affinityCanaryBehaviorIsWarnedNotRefused() {
        IngressAnnotations read = IngressAnnotations.read(Map.of(NGINX + "affinity-canary-behavior", "legacy"));
        assertThat(read.nginxIgnored()).containsExactly(NGINX + "affinity-canary-behavior");
        assertThat(read.nginxRefused()).isEmpty();
    }
}
