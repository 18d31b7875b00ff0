package dev.portcullis.dataplane.route;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.re2j.Pattern;
import dev.portcullis.dataplane.config.PathPatterns;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path regular expressions come from Ingress authors: any text either compiles or is refused with a
 * one-line reason (never another exception, never a stack overflow that escapes), and a compiled one
 * matches a path without backtracking. Input: the pattern, a newline, the path. Corpus:
 * {@code src/test/resources/dev/portcullis/dataplane/route/PathPatternsFuzzTestInputs/}.
 */
class PathPatternsFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void compilesOrRefusesAndMatchesInLinearTime(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String pattern = newline < 0 ? text : text.substring(0, newline);
        String path = newline < 0 ? "/" : text.substring(newline + 1);
        Pattern compiled;
        try {
            compiled = PathPatterns.compile(pattern);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank().doesNotContain("\n");
            assertThat(PathPatterns.problem(pattern)).isEqualTo(refused.getMessage());
            return;
        }
        assertThat(PathPatterns.problem(pattern)).isNull();
        compiled.matcher(path).lookingAt();
        compiled.matcher(path + "a".repeat(10_000)).lookingAt();
    }
}
