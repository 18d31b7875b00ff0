package dev.portcullis.dataplane.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathPatternsTest {

    @ParameterizedTest(name = "{0}: about {1}")
    @CsvSource(delimiter = ';', value = {
            "/foo ; 4",
            "(?i)/something(/|$)(.*) ; 13",
            "/[0-9]{4}/[0-9]{2} ; 8",
            "/x{3,} ; 5",
            "(ab){10} ; 20",
            "((a{10}){10}){10} ; 1000",
            "/a\\{3} ; 5",
            "/[{]{2} ; 3",
            "/a{,3} ; 6",
    })
    void estimatesTheProgramSize(String pattern, long size) {
        assertThat(PathPatterns.estimatedSize(pattern)).isEqualTo(size);
    }

    @ParameterizedTest(name = "{0} is accepted")
    @ValueSource(strings = {"(?i)/something(/|$)(.*)", "/foo/bar/[A-Z0-9]{3}", "/api/v[0-9]+/users/([a-z]{1,64})/items",
            "(?i)/x{1000}", "/[0-9]{4}-[0-9]{2}-[0-9]{2}/.*"})
    void realisticPathPatternsCompile(String pattern) {
        assertThat(PathPatterns.problem(pattern)).isNull();
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"(a{1000}){1000}", "((a{100}){100}){100}", "(x{999999}){999999}", "a{1000000000}"})
    void repetitionsThatWouldBuildHugeProgramsAreRefusedBeforeCompiling(String pattern) {
        assertThatThrownBy(() -> PathPatterns.compile(pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large to match quickly");
    }

    @ParameterizedTest(name = "quote({0}) matches it literally")
    @ValueSource(strings = {"/v1.0", "/a+b", "/(x)", "/[y]", "/{z}", "/a|b", "/^$", "/back\\slash"})
    void quotedTextMatchesOnlyItself(String text) {
        assertThat(PathPatterns.compile(PathPatterns.quote(text)).matches(text)).isTrue();
        assertThat(PathPatterns.compile(PathPatterns.quote(text)).matcher(text + "x").matches()).isFalse();
    }
}
