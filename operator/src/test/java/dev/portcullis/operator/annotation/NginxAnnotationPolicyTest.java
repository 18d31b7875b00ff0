package dev.portcullis.operator.annotation;

import dev.portcullis.operator.annotation.NginxAnnotationPolicy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NginxAnnotationPolicyTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "ssl-passthrough, IMPLEMENTED",
            "backend-protocol, IMPLEMENTED",
            "proxy-ssl-secret, IMPLEMENTED",
            "affinity, IMPLEMENTED",
            "auth-tls-secret, IMPLEMENTED",
            "auth-tls-verify-client, IMPLEMENTED",
            "auth-tls-match-cn, REFUSED",
            "ssl-ciphers, IMPLEMENTED",
            "auth-url, IMPLEMENTED",
            "auth-signin, IMPLEMENTED",
            "auth-snippet, REFUSED",
            "auth-cache-key, REFUSED",
            "global-rate-limit, REFUSED",
            "limit-rate, REFUSED",
            "limit-rate-after, REFUSED",
            "auth-type, REFUSED",
            "whitelist-source-range, IMPLEMENTED",
            "denylist-source-range, IMPLEMENTED",
            "limit-rps, IMPLEMENTED",
            "limit-connections, IMPLEMENTED",
            "satisfy, REFUSED",
            "configuration-snippet, REFUSED",
            "server-snippet, REFUSED",
            "canary, IMPLEMENTED",
            "canary-weight, IMPLEMENTED",
            "canary-by-header-pattern, IMPLEMENTED",
            "affinity-canary-behavior, WARNED",
            "permanent-redirect, IMPLEMENTED",
            "temporal-redirect-code, IMPLEMENTED",
            "rewrite-target, IMPLEMENTED",
            "use-regex, IMPLEMENTED",
            "app-root, IMPLEMENTED",
            "x-forwarded-prefix, IMPLEMENTED",
            "proxy-body-size, IMPLEMENTED",
            "proxy-read-timeout, IMPLEMENTED",
            "proxy-send-timeout, IMPLEMENTED",
            "proxy-connect-timeout, IMPLEMENTED",
            "proxy-buffer-size, WARNED",
            "session-cookie-name, IMPLEMENTED",
            "session-cookie-change-on-failure, WARNED",
            "load-balance, IMPLEMENTED",
            "upstream-hash-by, IMPLEMENTED",
            "upstream-hash-by-subset, WARNED",
            "enable-cors, IMPLEMENTED",
            "custom-http-errors, IMPLEMENTED",
            "default-backend, IMPLEMENTED",
            "custom-headers, WARNED",
            // not on any list: judged by shape
            "auth-something-new, REFUSED",
            "limit-req-zone, REFUSED",
            "location-snippet, REFUSED",
            "allowlist-source-range, IMPLEMENTED",
            "other-source-range, REFUSED",
            "canary-by-query, REFUSED",
            "some-future-setting, WARNED",
    })
    void verdicts(String name, Verdict verdict) {
        assertThat(NginxAnnotationPolicy.verdict(name)).isEqualTo(verdict);
    }

    /**
     * cert-manager's HTTP-01 solver Ingress carries {@code whitelist-source-range: 0.0.0.0/0,::/0}
     * (pkg/issuer/acme/http/ingress.go): an allow-list of every address restricts nothing, and is
     * translated as no restriction. Anything narrower, or anything that does not parse, is not "every address".
     */
    @ParameterizedTest(name = "\"{0}\" allows every address: {1}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0/0,::/0 | true",
            "' ::/0 , 0.0.0.0/0 ' | true",
            "10.0.0.0/8,0.0.0.0/0,2001:db8::/32,::/0 | true",
            "0.0.0.0/0 | false",
            "::/0 | false",
            "10.0.0.0/8,192.168.0.0/16 | false",
            "0.0.0.0/1,128.0.0.0/1,::/0 | false",
            "0.0.0.0/0,::/0,not-an-address | false",
            "0.0.0.0/0,::/0, | false",
            "0.0.0.0/0,::/0,10.0.0.0/33 | false",
            "0.0.0.0/0,::ffff:0.0.0.0/0 | false",
            "0.0.0.0/0,localhost/0 | false",
            "0.0.0.0/00,::/0 | false",
            "'' | false",
    })
    void allowListsOfEveryAddress(String value, boolean every) {
        assertThat(NginxAnnotationPolicy.allowsEveryAddress(value)).isEqualTo(every);
    }

    @ParameterizedTest(name = "{0} is {1} whatever its value")
    @CsvSource({"whitelist-source-range, IMPLEMENTED", "denylist-source-range, IMPLEMENTED", "limit-whitelist, IMPLEMENTED",
            "mirror-target, WARNED", "satisfy, REFUSED"})
    void verdictsDoNotDependOnTheValueOfImplementedNames(String name, Verdict verdict) {
        assertThat(NginxAnnotationPolicy.verdict(name, "0.0.0.0/0,::/0")).isEqualTo(verdict);
        assertThat(NginxAnnotationPolicy.verdict(name, "10.0.0.0/8")).isEqualTo(verdict);
    }

    @Test
    void everyListedNameIsInExactlyOneList() {
        Set<String> seen = new HashSet<>();
        for (Verdict verdict : Verdict.values()) {
            for (String name : NginxAnnotationPolicy.names(verdict)) {
                assertThat(seen.add(name)).as("%s is in two lists", name).isTrue();
                assertThat(NginxAnnotationPolicy.verdict(name)).as(name).isEqualTo(verdict);
            }
        }
    }

    @Test
    void everyWarnedNameIsOneThatCannotOpenAccess() {
        assertThat(NginxAnnotationPolicy.names(Verdict.WARNED))
                .noneMatch(name -> name.startsWith("auth-") && !name.equals("enable-global-auth"))
                .noneMatch(name -> name.startsWith("limit-") || name.endsWith("-snippet") || name.endsWith("-source-range"));
    }

    @Test
    void readmeListsExactlyTheRefusedAndWarnedNames() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        for (Verdict verdict : java.util.List.of(Verdict.REFUSED, Verdict.WARNED)) {
            String expected = NginxAnnotationPolicy.names(verdict).stream().map(name -> "`" + name + "`")
                    .collect(java.util.stream.Collectors.joining(", "));
            assertThat(readme).as("README's %s list (regenerate it from NginxAnnotationPolicy)", verdict).contains(expected);
        }
    }
}
