package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.PathMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples table of the Kubernetes Ingress documentation, plus precedence rules. */
class PathRouterTest {

    @ParameterizedTest(name = "{0} {1} vs request {2}: matches={3}")
    @CsvSource({
            "Prefix, /,            /any/path,   true",
            "Exact,  /foo,         /foo,        true",
            "Exact,  /foo,         /bar,        false",
            "Exact,  /foo,         /foo/,       false",
            "Exact,  /foo/,        /foo,        false",
            "Prefix, /foo,         /foo,        true",
            "Prefix, /foo,         /foo/,       true",
            "Prefix, /foo/,        /foo,        true",
            "Prefix, /foo/,        /foo/,       true",
            "Prefix, /aaa/bb,      /aaa/bbb,    false",
            "Prefix, /aaa/bbb,     /aaa/bbb,    true",
            "Prefix, /aaa/bbb/,    /aaa/bbb,    true",
            "Prefix, /aaa/bbb,     /aaa/bbb/,   true",
            "Prefix, /aaa/bbb,     /aaa/bbb/ccc, true",
            "Prefix, /aaa/bbb,     /aaa/bbbxyz, false",
            "Prefix, /foo,         /FOO,        false",
    })
    void matchesLikeTheIngressSpecification(String type, String path, String request, boolean matches) {
        PathMatch match = type.equals("Exact") ? PathMatch.exact(path) : PathMatch.prefix(path);
        PathRouter<String> router = PathRouter.of(List.of(Map.entry(match, "target")));
        assertThat(router.route(request)).isEqualTo(matches ? "target" : null);
    }

    @ParameterizedTest(name = "request {0} goes to {1}")
    @CsvSource({
            "/,             root",
            "/aaa,          aaa",
            "/aaa/bbb,      aaa-bbb",
            "/aaa/bbb/ccc,  aaa-bbb",
            "/aaa/ccc,      aaa",
            "/exact,        exact",
            "/exact/more,   exact-prefix",
    })
    void exactBeatsPrefixAndTheLongestPrefixWins(String request, String target) {
        PathRouter<String> router = PathRouter.of(List.of(
                Map.entry(PathMatch.prefix("/"), "root"),
                Map.entry(PathMatch.prefix("/aaa"), "aaa"),
                Map.entry(PathMatch.prefix("/aaa/bbb"), "aaa-bbb"),
                Map.entry(PathMatch.prefix("/exact"), "exact-prefix"),
                Map.entry(PathMatch.exact("/exact"), "exact")));
        assertThat(router.route(request)).isEqualTo(target);
    }

    /**
     * ingress-nginx's "Path Priority" example (docs/user-guide/ingress-path-matching.md) as the
     * translator writes it: every path of the host is a case-insensitive Regex, longest path first.
     */
    @ParameterizedTest(name = "request {0} goes to {1}")
    @CsvSource({
            "/foo/bar/1,    service3",
            "/foo/bar/,     service2",
            "/foo/bar,      service1",
            "/FOO/BAR,      service1",
            "/foo/barbara,  ",
            "/other,        ",
    })
    void regexRoutesAreTriedInTheOrderGivenAndTheFirstMatchWins(String request, String target) {
        PathRouter<String> router = PathRouter.of(List.of(
                Map.entry(PathMatch.regex("(?i)/foo/bar/(.+)"), "service3"),
                Map.entry(PathMatch.regex("(?i)/foo/bar/"), "service2"),
                Map.entry(PathMatch.regex("(?i)/foo/bar(?:/|$)"), "service1")));
        assertThat(router.route(request)).isEqualTo(target);
    }

    /** The warning of the same page: a longer regex listed first wins over a literal path it also matches. */
    @Test
    void aRegexListedFirstWinsOverALiteralPathItAlsoMatches() {
        PathRouter<String> router = PathRouter.of(List.of(
                Map.entry(PathMatch.regex("(?i)/foo/bar/[A-Z0-9]{3}"), "regex"),
                Map.entry(PathMatch.regex("(?i)/foo/bar/bar(?:/|$)"), "literal")));
        assertThat(router.route("/foo/bar/bar")).isEqualTo("regex");
        assertThat(router.route("/foo/bar/ba")).isNull();
    }

    @ParameterizedTest(name = "request {0} goes to {1}")
    @CsvSource({
            "/exact,        exact",
            "/Exact,        regex",
            "/exact/x,      regex",
            "/prefix/x,     prefix",
    })
    void exactComesFirstThenRegexThenPrefix(String request, String target) {
        PathRouter<String> router = PathRouter.of(List.of(
                Map.entry(PathMatch.prefix("/prefix"), "prefix"),
                Map.entry(PathMatch.regex("(?i)/exact"), "regex"),
                Map.entry(PathMatch.exact("/exact"), "exact")));
        assertThat(router.route(request)).isEqualTo(target);
    }

    @Test
    void aRegexMatchesFromTheStartOfThePathAndCaptures() {
        PathRouter<String> router = PathRouter.of(List.of(Map.entry(PathMatch.regex("/something(/|$)(.*)"), "t")));
        assertThat(router.route("/prefix/something/x")).isNull();
        PathRouter.Match<String> match = router.match("/something/new/x");
        assertThat(match.target()).isEqualTo("t");
        assertThat(match.groups()).containsExactly("/something/new/x", "/", "new/x");
        assertThat(router.match("/something").groups()).containsExactly("/something", "", "");
        assertThat(router.match("/somethingelse")).isNull();
    }

    /** RE2/J runs in time linear in the path: the classic catastrophic-backtracking pattern stays instant. */
    @Test
    void anEvilPatternCannotBacktrack() {
        PathRouter<String> router = PathRouter.of(List.of(Map.entry(PathMatch.regex("/(a+)+$"), "t")));
        assertThat(router.route("/" + "a".repeat(50_000) + "!")).isNull();
        assertThat(router.route("/" + "a".repeat(50_000))).isEqualTo("t");
    }
}
