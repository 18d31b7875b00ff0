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
                .hasMessage("portcullis.dev/tls-mode: \"" + value + "\" is not valid; use \"terminate\", \"passthrough\", \"reencrypt\"");
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
                .hasMessageContaining("portcullis.dev/ssl-redirect").hasMessageContaining("\"true\", \"false\"");
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            "backend-verify, on, true", "backend-verify, off, false",
            "proxy-protocol, off, OFF", "proxy-protocol, v1, V1", "proxy-protocol, v2, V2",
            "affinity, none, NONE", "affinity, cookie, COOKIE", "affinity, client-ip, CLIENT_IP",
            "backend-server-name, web.shop.svc, web.shop.svc", "backend-server-name, api, api",
            "backend-ca-secret, pods-ca, pods-ca", "backend-ca-secret, shop/pods-ca, shop/pods-ca",
            "backend-client-cert-secret, proxy-client, proxy-client",
    })
    void backendAnnotationsAcceptTheirValues(String name, String value, String expected) {
        Object parsed = IngressAnnotations.read(Map.of("portcullis.dev/" + name, value)).get(parser(name)).orElseThrow();
        assertThat(parsed.toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: \"{1}\" is invalid")
    @CsvSource({
            "backend-verify, true", "backend-verify, ON", "backend-verify, ''",
            "proxy-protocol, v3", "proxy-protocol, on", "proxy-protocol, V2",
            "affinity, ip", "affinity, sticky",
            "backend-server-name, Web.Shop", "backend-server-name, *.svc", "backend-server-name, 'a b'", "backend-server-name, -web",
            "backend-ca-secret, Pods_CA", "backend-ca-secret, a/b/c", "backend-ca-secret, ''",
            "backend-client-cert-secret, /proxy",
    })
    void backendAnnotationsRejectOtherValuesByName(String name, String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("portcullis.dev/" + name, value));
        assertThat(annotations.get(parser(name))).isEmpty();
        assertThat(annotations.invalid()).singleElement().asString()
                .startsWith("portcullis.dev/" + name + ": \"" + value + "\" is not valid; use ");
    }

    @ParameterizedTest(name = "{0}: {1} means tls-mode {2}")
    @CsvSource({"ssl-passthrough, true, PASSTHROUGH"})
    void ingressNginxAliasesSetTheTlsMode(String alias, String value, TlsModeAnnotation mode) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("nginx.ingress.kubernetes.io/" + alias, value));
        assertThat(annotations.get(IngressAnnotations.TLS_MODE)).hasValue(mode);
        assertThat(annotations.sourceOf(IngressAnnotations.TLS_MODE)).isEqualTo("nginx.ingress.kubernetes.io/" + alias);
    }

    @ParameterizedTest(name = "backend-protocol {0}: tls {1}, http/2 {2}")
    @CsvSource({"HTTP, false, false", "HTTPS, true, false", "H2C, false, true", "H2, true, true", "GRPC, false, true",
            "GRPCS, true, true"})
    void backendProtocolAcceptsItsSixValues(String value, boolean tls, boolean http2) {
        BackendProtocolAnnotation parsed = IngressAnnotations.BACKEND_PROTOCOL.parse(value);
        assertThat(parsed.name()).isEqualTo(value);
        assertThat(parsed.tls()).isEqualTo(tls);
        assertThat(parsed.http2()).isEqualTo(http2);
    }

    @ParameterizedTest(name = "backend-protocol \"{0}\" is invalid")
    @ValueSource(strings = {"", "grpc", "Https", "HTTP2", "FCGI", "AUTO_HTTP", "H3"})
    void backendProtocolRejectsEverythingElse(String value) {
        assertThatThrownBy(() -> IngressAnnotations.BACKEND_PROTOCOL.parse(value))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessage("portcullis.dev/backend-protocol: \"" + value + "\" is not valid; use \"HTTP\", \"HTTPS\", \"H2C\","
                        + " \"H2\", \"GRPC\", \"GRPCS\"");
    }

    @ParameterizedTest(name = "nginx backend-protocol {0}")
    @ValueSource(strings = {"HTTP", "HTTPS", "GRPC", "GRPCS"})
    void ingressNginxBackendProtocolIsAnAliasForItsDocumentedValues(String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("nginx.ingress.kubernetes.io/backend-protocol", value));
        assertThat(annotations.get(IngressAnnotations.BACKEND_PROTOCOL)).hasValue(BackendProtocolAnnotation.valueOf(value));
        assertThat(annotations.sourceOf(IngressAnnotations.BACKEND_PROTOCOL)).isEqualTo("nginx.ingress.kubernetes.io/backend-protocol");
        assertThat(annotations.invalid()).isEmpty();
    }

    @ParameterizedTest(name = "nginx backend-protocol \"{0}\" is invalid")
    @ValueSource(strings = {"H2C", "H2", "FCGI", "grpc"})
    void ingressNginxBackendProtocolRefusesWhatNginxDoesNotDocumentOrPortcullisDoesNotSpeak(String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("nginx.ingress.kubernetes.io/backend-protocol", value));
        assertThat(annotations.get(IngressAnnotations.BACKEND_PROTOCOL)).isEmpty();
        assertThat(annotations.invalid()).containsExactly("nginx.ingress.kubernetes.io/backend-protocol: \"" + value
                + "\" is not valid; use \"HTTP\", \"HTTPS\", \"GRPC\", \"GRPCS\"");
    }

    @Test
    void ingressNginxAliasesOfBackendTls() {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(
                "nginx.ingress.kubernetes.io/proxy-ssl-secret", "shop/proxy-ssl",
                "nginx.ingress.kubernetes.io/proxy-ssl-verify", "off",
                "nginx.ingress.kubernetes.io/proxy-ssl-name", "api.internal",
                "nginx.ingress.kubernetes.io/ssl-passthrough", "false",
                "nginx.ingress.kubernetes.io/force-ssl-redirect", "true"));
        assertThat(annotations.get(IngressAnnotations.BACKEND_CA_SECRET)).hasValue(new SecretRef("shop", "proxy-ssl"));
        assertThat(annotations.get(IngressAnnotations.BACKEND_CLIENT_CERT_SECRET)).hasValue(new SecretRef("shop", "proxy-ssl"));
        assertThat(annotations.get(IngressAnnotations.BACKEND_VERIFY)).hasValue(false);
        assertThat(annotations.get(IngressAnnotations.BACKEND_SERVER_NAME)).hasValue("api.internal");
        assertThat(annotations.get(IngressAnnotations.TLS_MODE)).as("ssl-passthrough false sets nothing").isEmpty();
        assertThat(annotations.get(IngressAnnotations.SSL_REDIRECT)).hasValue(true);
        assertThat(annotations.invalid()).isEmpty();
    }

    @Test
    void aPortcullisAnnotationWinsOverItsAlias() {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(
                "nginx.ingress.kubernetes.io/ssl-passthrough", "true",
                "portcullis.dev/tls-mode", "reencrypt",
                "portcullis.dev/backend-protocol", "H2",
                "nginx.ingress.kubernetes.io/backend-protocol", "FCGI"));
        assertThat(annotations.get(IngressAnnotations.TLS_MODE)).hasValue(TlsModeAnnotation.REENCRYPT);
        assertThat(annotations.sourceOf(IngressAnnotations.TLS_MODE)).isEqualTo("portcullis.dev/tls-mode");
        assertThat(annotations.get(IngressAnnotations.BACKEND_PROTOCOL)).hasValue(BackendProtocolAnnotation.H2);
        assertThat(annotations.invalid()).as("an overridden alias is not even read").isEmpty();
    }

    private static AnnotationParser<?> parser(String name) {
        return switch (name) {
            case "backend-verify" -> IngressAnnotations.BACKEND_VERIFY;
            case "proxy-protocol" -> IngressAnnotations.PROXY_PROTOCOL;
            case "affinity" -> IngressAnnotations.AFFINITY;
            case "backend-server-name" -> IngressAnnotations.BACKEND_SERVER_NAME;
            case "backend-ca-secret" -> IngressAnnotations.BACKEND_CA_SECRET;
            case "backend-client-cert-secret" -> IngressAnnotations.BACKEND_CLIENT_CERT_SECRET;
            case "connect-timeout" -> IngressAnnotations.CONNECT_TIMEOUT;
            case "response-timeout" -> IngressAnnotations.RESPONSE_TIMEOUT;
            case "send-timeout" -> IngressAnnotations.SEND_TIMEOUT;
            case "idle-timeout" -> IngressAnnotations.IDLE_TIMEOUT;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}: {1} -> {2} ms")
    @CsvSource({
            "connect-timeout, 5, 5000", "connect-timeout, 500ms, 500", "connect-timeout, 30s, 30000",
            "response-timeout, 2m, 120000", "response-timeout, 1h, 3600000", "send-timeout, 1ms, 1",
            "idle-timeout, 168h, 604800000", "idle-timeout, 604800, 604800000",
    })
    void timeoutsTakeADurationWithOrWithoutAUnit(String name, String value, long millis) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("portcullis.dev/" + name, value));
        assertThat(annotations.get(parser(name)).map(Object.class::cast)).hasValue(millis);
        assertThat(annotations.invalid()).isEmpty();
    }

    @ParameterizedTest(name = "{0}: \"{1}\" is invalid")
    @CsvSource({
            "connect-timeout, 0", "connect-timeout, 0s", "connect-timeout, -1", "connect-timeout, 1.5s",
            "response-timeout, 5 s", "response-timeout, 5S", "response-timeout, 1d", "response-timeout, ''",
            "send-timeout, 169h", "send-timeout, 604801", "idle-timeout, fast", "idle-timeout, 99999999999999",
    })
    void timeoutsRejectEverythingElse(String name, String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("portcullis.dev/" + name, value));
        assertThat(annotations.get(parser(name))).isEmpty();
        assertThat(annotations.invalid()).singleElement().asString()
                .startsWith("portcullis.dev/" + name + ": \"" + value + "\" is not valid; use a duration");
    }

    @ParameterizedTest(name = "{0}: \"{1}\" -> {2} s")
    @CsvSource({"proxy-connect-timeout, 3, 3", "proxy-send-timeout, 60, 60", "proxy-read-timeout, 3600, 3600"})
    void nginxTimeoutsAreWholeSeconds(String alias, String value, long seconds) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("nginx.ingress.kubernetes.io/" + alias, value));
        AnnotationParser<?> target = switch (alias) {
            case "proxy-connect-timeout" -> IngressAnnotations.CONNECT_TIMEOUT;
            case "proxy-send-timeout" -> IngressAnnotations.SEND_TIMEOUT;
            default -> IngressAnnotations.RESPONSE_TIMEOUT;
        };
        assertThat(annotations.get(target).map(Object.class::cast)).hasValue(seconds * 1000);
        assertThat(annotations.sourceOf(target)).isEqualTo("nginx.ingress.kubernetes.io/" + alias);
    }

    @ParameterizedTest(name = "{0}: \"{1}\" is invalid")
    @CsvSource({"proxy-read-timeout, 60s", "proxy-read-timeout, 0", "proxy-send-timeout, 500ms", "proxy-connect-timeout, ''",
            "proxy-connect-timeout, 1m", "proxy-read-timeout, -5"})
    void nginxTimeoutsWithAUnitOrZeroAreInvalidAsInIngressNginx(String alias, String value) {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of("nginx.ingress.kubernetes.io/" + alias, value));
        assertThat(annotations.invalid()).singleElement().asString()
                .startsWith("nginx.ingress.kubernetes.io/" + alias + ": \"" + value + "\" is not valid; use a whole number of seconds");
    }

    @Test
    void nginxReadTimeoutIsTheResponseStartAndTheSilenceWithinTheResponse() {
        IngressAnnotations annotations = IngressAnnotations.read(Map.of(
                "nginx.ingress.kubernetes.io/proxy-read-timeout", "30", "portcullis.dev/response-timeout", "2s"));
        assertThat(annotations.get(IngressAnnotations.RESPONSE_TIMEOUT)).as("the Portcullis annotation wins").hasValue(2000L);
        assertThat(annotations.get(IngressAnnotations.IDLE_TIMEOUT)).hasValue(30_000L);
        assertThat(annotations.sourceOf(IngressAnnotations.IDLE_TIMEOUT)).isEqualTo("nginx.ingress.kubernetes.io/proxy-read-timeout");
    }

    @ParameterizedTest(name = "max-body-size {0} -> {1} bytes")
    @CsvSource({"0, 0", "1, 1", "1024, 1024", "1k, 1024", "1K, 1024", "8m, 8388608", "8M, 8388608", "1g, 1073741824",
            "2G, 2147483648", "100000000000000, 100000000000000"})
    void bodySizeTakesNginxUnits(String value, long bytes) {
        for (String name : java.util.List.of("portcullis.dev/max-body-size", "nginx.ingress.kubernetes.io/proxy-body-size")) {
            IngressAnnotations annotations = IngressAnnotations.read(Map.of(name, value));
            assertThat(annotations.get(IngressAnnotations.MAX_BODY_SIZE)).as(name).hasValue(bytes);
        }
    }

    @ParameterizedTest(name = "max-body-size \"{0}\" is invalid")
    @ValueSource(strings = {"", "-1", "1.5m", "10mb", "1kb", "1 k", "1t", "m", "999999999999999g", "k1"})
    void bodySizeRejectsEverythingElse(String value) {
        for (String name : java.util.List.of("portcullis.dev/max-body-size", "nginx.ingress.kubernetes.io/proxy-body-size")) {
            IngressAnnotations annotations = IngressAnnotations.read(Map.of(name, value));
            assertThat(annotations.get(IngressAnnotations.MAX_BODY_SIZE)).as(name).isEmpty();
            assertThat(annotations.invalid()).singleElement().asString()
                    .startsWith(name + ": \"" + value + "\" is not valid; use a size in bytes");
        }
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
                "portcullis.dev/tls-mode: \"sideways\" is not valid; use \"terminate\", \"passthrough\", \"reencrypt\"");
        assertThat(annotations.unknown()).containsExactly("portcullis.dev/made-up");
    }
}
