package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.PathMatch;
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
}
