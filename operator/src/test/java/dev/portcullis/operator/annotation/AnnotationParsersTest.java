package dev.portcullis.operator.annotation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table tests of every annotation parser: each accepted value, and invalid ones rejected by name. */
class AnnotationParsersTest {

    @ParameterizedTest(name = "tls-mode {0} -> {1}")
    @CsvSource({"terminate, TERMINATE", "passthrough, PASSTHROUGH", "reencrypt, REENCRYPT"})
    void tlsModeAcceptsItsThreeValues(String value, TlsModeAnnotation expected) {
        assertThat(IngressAnnotations.TLS_MODE.parse(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "tls-mode \"{0}\" is invalid")
    @ValueSource(strings = {"", "Terminate", "PASSTHROUGH", "re-encrypt", "tls", "terminate "})
    void tlsModeRejectsEverythingElse(String value) {
        assertThatThrownBy(() -> IngressAnnotations.TLS_MODE.parse(value))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessage("portcullis.dev/tls-mode: \"" + value + "\" is not valid; use terminate, passthrough or reencrypt");
    }

    @ParameterizedTest(name = "ssl-redirect {0} -> {1}")
    @CsvSource({"true, true", "false, false"})
    void sslRedirectAcceptsTrueAndFalse(String value, boolean expected) {
        assertThat(IngressAnnotations.SSL_REDIRECT.parse(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ssl-redirect \"{0}\" is invalid")
    @ValueSource(strings = {"", "yes", "no", "1", "0", "TRUE", "False", "on"})
    void sslRedirectRejectsEverythingElse(String value) {
        assertThatThrownBy(() -> IngressAnnotations.SSL_REDIRECT.parse(value))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("portcullis.dev/ssl-redirect").hasMessageContaining("\"true\" or \"false\"");
    }

    @Test
    void anIngressesAnnotationsAreReadOnceWithEveryProblem() {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(
                "portcullis.dev/ssl-redirect", " false ",
                "portcullis.dev/tls-mode", "sideways",
                "portcullis.dev/made-up", "1",
                "nginx.ingress.kubernetes.io/rewrite-target", "/"));
        assertThat(annotations.get(IngressAnnotations.SSL_REDIRECT)).hasValue(false);
        assertThat(annotations.get(IngressAnnotations.TLS_MODE)).isEmpty();
        assertThat(annotations.invalid()).containsExactly(
                "portcullis.dev/tls-mode: \"sideways\" is not valid; use terminate, passthrough or reencrypt");
        assertThat(annotations.unknown()).containsExactly("portcullis.dev/made-up");
    }
}
