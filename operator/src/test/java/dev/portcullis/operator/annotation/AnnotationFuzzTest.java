package dev.portcullis.operator.annotation;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portcullis.dataplane.config.DnsNames;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Annotations are user input: every parser, on any string, gives a value or an
 * {@link InvalidAnnotationException} naming its annotation, never another exception; what it accepts
 * has the shape it promises. A whole set of annotations is read without throwing and every
 * {@code portcullis.dev/} annotation in it ends up exactly one of valid, invalid or unknown.
 * Input: lines of {@code name=value} (a line without {@code =} is a value for every parser).
 * Corpus: {@code src/test/resources/dev/portcullis/operator/annotation/AnnotationFuzzTestInputs/}.
 */
class AnnotationFuzzTest {

    private static final List<AnnotationParser<?>> PARSERS = List.of(IngressAnnotations.TLS_MODE,
            IngressAnnotations.SSL_REDIRECT, IngressAnnotations.BACKEND_CA_SECRET, IngressAnnotations.BACKEND_SERVER_NAME,
            IngressAnnotations.BACKEND_CLIENT_CERT_SECRET, IngressAnnotations.BACKEND_VERIFY,
            IngressAnnotations.PROXY_PROTOCOL, IngressAnnotations.AFFINITY,
            IngressAnnotations.USE_REGEX, IngressAnnotations.REWRITE_TARGET, IngressAnnotations.X_FORWARDED_PREFIX,
            IngressAnnotations.APP_ROOT, IngressAnnotations.PERMANENT_REDIRECT, IngressAnnotations.PERMANENT_REDIRECT_CODE,
            IngressAnnotations.TEMPORAL_REDIRECT, IngressAnnotations.TEMPORAL_REDIRECT_CODE,
            IngressAnnotations.CONNECT_TIMEOUT, IngressAnnotations.RESPONSE_TIMEOUT, IngressAnnotations.SEND_TIMEOUT,
            IngressAnnotations.IDLE_TIMEOUT, IngressAnnotations.MAX_BODY_SIZE,
            IngressAnnotations.BACKEND_PROTOCOL,
            IngressAnnotations.ALLOW_SOURCE_RANGES, IngressAnnotations.DENY_SOURCE_RANGES, IngressAnnotations.LIMIT_RPS,
            IngressAnnotations.LIMIT_RPM, IngressAnnotations.LIMIT_BURST_MULTIPLIER, IngressAnnotations.LIMIT_CONNECTIONS,
            IngressAnnotations.LIMIT_ALLOWLIST, IngressAnnotations.AUTH_URL, IngressAnnotations.AUTH_SIGNIN,
            IngressAnnotations.AUTH_METHOD, IngressAnnotations.AUTH_RESPONSE_HEADERS);

    private static final String DNS_1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS_1123_SUBDOMAIN = DNS_1123_LABEL + "(\\." + DNS_1123_LABEL + ")*";

    @FuzzTest(maxDuration = "30s")
    void parsesOrReportsAProblem(byte[] input) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (String line : new String(input, StandardCharsets.UTF_8).split("\n", -1)) {
            int equals = line.indexOf('=');
            if (equals < 0) {
                PARSERS.forEach(parser -> parseOne(parser, line));
                NginxAnnotationPolicy.verdict(line);
                continue;
            }
            annotations.put(line.substring(0, equals), line.substring(equals + 1));
        }
        annotations.forEach((name, value) -> {
            PARSERS.forEach(parser -> parseOne(parser, value));
            if (name.startsWith(IngressAnnotations.NGINX)) {
                String bare = name.substring(IngressAnnotations.NGINX.length());
                NginxAnnotationPolicy.Verdict withValue = NginxAnnotationPolicy.verdict(bare, value);
                if (withValue != NginxAnnotationPolicy.verdict(bare)) {
                    assertThat(NginxAnnotationPolicy.ALLOW_LISTS).contains(bare);
                    assertThat(value).contains("/0");
                }
            }
        });

        IngressAnnotations read = IngressAnnotations.read(annotations);
        for (String name : annotations.keySet()) {
            if (!name.startsWith(AnnotationParser.PREFIX)) {
                continue;
            }
            Optional<AnnotationParser<?>> parser = PARSERS.stream().filter(p -> p.name().equals(name)).findFirst();
            if (parser.isEmpty()) {
                assertThat(read.unknown()).contains(name);
                continue;
            }
            boolean valid = read.get(parser.get()).isPresent() && read.sourceOf(parser.get()).equals(name);
            boolean invalid = read.invalid().stream().anyMatch(message -> message.startsWith(name + ": "));
            assertThat(valid ^ invalid).as("%s is exactly one of valid and invalid in %s", name, annotations).isTrue();
        }
        assertThat(java.util.Collections.disjoint(read.nginxIgnored(), read.nginxRefused()))
                .as("ignored %s and refused %s", read.nginxIgnored(), read.nginxRefused()).isTrue();
    }

    private static void parseOne(AnnotationParser<?> parser, String value) {
        Object parsed;
        try {
            parsed = parser.parse(value);
        } catch (InvalidAnnotationException expected) {
            assertThat(expected.getMessage()).startsWith(parser.name() + ": ");
            return;
        } catch (RuntimeException e) {
            fail(parser.name() + " threw " + e + " for " + value, e);
            return;
        }
        assertThat(parsed).as("%s on %s", parser.name(), value).isNotNull();
        if (parser instanceof TextParser) { // path annotations: kept as written, and safe to put in a header
            assertThat(parsed).isEqualTo(value);
            assertThat(PathAnnotations.printable(value)).isTrue();
            return;
        }
        if (parser instanceof StatusCodeParser) {
            assertThat((Integer) parsed).isBetween(300, 308);
            assertThat(parsed.toString()).isEqualTo(value);
            return;
        }
        if (parsed instanceof java.util.List<?> list) { // networks in canonical form, or header names
            assertThat(list).isNotEmpty().allSatisfy(entry -> {
                String text = entry.toString();
                if (parser.name().endsWith("auth-response-headers")) {
                    assertThat(text).matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
                } else {
                    assertThat(dev.portcullis.dataplane.config.Cidr.parse(text).toString()).isEqualTo(text);
                }
            });
            return;
        }
        if (parser.name().contains("/limit-")) {
            assertThat((Integer) parsed).isBetween(1, 1_000_000);
            return;
        }
        if (parser.name().endsWith("/auth-method")) {
            assertThat((String) parsed).matches("[A-Z]{1,20}");
            return;
        }
        switch (parsed) {
            case SecretRef secret -> {
                assertThat(secret.toString()).isEqualTo(value);
                // What Kubernetes accepts as a Secret's name and as a namespace.
                assertThat(secret.name()).matches(DNS_1123_SUBDOMAIN).hasSizeLessThanOrEqualTo(253);
                if (secret.namespace() != null) {
                    assertThat(secret.namespace()).matches(DNS_1123_LABEL).hasSizeLessThanOrEqualTo(63);
                }
            }
            case String serverName -> assertThat(DnsNames.isName(serverName)).isTrue();
            case Long amount -> { // a timeout in ms (at least 1) or a body size in bytes (0: no limit)
                assertThat(amount).isNotNegative();
                assertThat(value).matches("[0-9]+(ms|s|m|h|[kKmMgG])?");
            }
            default -> assertThat(parser.accepted()).contains("\"" + value + "\"");
        }
    }
}
