package dev.portcullis.dataplane.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestTargetNormalizationTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "/|/",
            "/a/b|/a/b",
            "/a/b/|/a/b/",
            "/public/../internal|/internal",
            "/public/%2e%2e/internal|/internal",
            "/public/%2E%2e/internal|/internal",
            "/public/.%2e/internal|/internal",
            "/public/./x|/public/x",
            "/public/x/.|/public/x/",
            "/public/x/..|/public/",
            "/../../etc/passwd|/etc/passwd",
            "/a%2Fb/../c|/c",
            "/a%2fb|/a%2Fb",
            "/%7Euser/%41|/~user/A",
            "/a//b|/a//b",
            "/caf%c3%a9|/caf%C3%A9",
            "/a%00b|null",
            "/a%zzb|null",
            "/a%2|null",
            "/a#frag|null",
            "relative|null"})
    void removesDotSegmentsAfterDecodingUnreservedBytes(String path, String normalized) {
        assertThat(RequestTarget.normalizedPath(path)).isEqualTo(normalized);
    }

    @ParameterizedTest(name = "{0}: clean = {1}")
    @CsvSource(delimiter = '|', value = {"/a?x=1|true", "/a|true", "/a?x=%00|false", "/a?x=\u0001y|false"})
    void queriesWithControlBytesAreNotClean(String uri, boolean clean) {
        assertThat(RequestTarget.isCleanQuery(uri)).isEqualTo(clean);
    }
}
