package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.PathMatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** rewrite-target as ingress-nginx documents it (docs/examples/rewrite), and query handling as nginx's rewrite. */
class PathRewriteTest {

    @ParameterizedTest(name = "{0} with {1} becomes {2}")
    @CsvSource(delimiter = '|', value = {
            "/something          | /$2         | /",
            "/something/         | /$2         | /",
            "/something/new      | /$2         | /new",
            "/SomeThing/new      | /$2         | /new",
            "/something/new?a=1  | /$2         | /new?a=1",
            "/something/new?a=1  | /x?b=2      | /x?b=2&a=1",
            "/something/new      | /x?b=2      | /x?b=2",
            "/something/new      | $2          | /new",
            "/something/new      | /$1$2/$9    | //new/",
            "/something/a/b      | /v1/$2/end  | /v1/a/b/end",
    })
    void rewritesWithCaptureGroups(String request, String target, String expected) {
        PathRouter<String> router = PathRouter.of(List.of(Map.entry(PathMatch.regex("(?i)/something(/|$)(.*)"), "t")));
        int q = request.indexOf('?');
        String path = q < 0 ? request : request.substring(0, q);
        String query = q < 0 ? "" : request.substring(q);
        assertThat(PathRewrite.parse(target).apply(router.match(path).groups(), query)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} with {1} becomes {2}")
    @CsvSource(delimiter = '|', value = {
            "/api/x   | /         | /",
            "/api/x   | /v2$0     | /v2/api/x",
            "/api/x   | /v2/$1    | /v2/",
    })
    void aPrefixRouteHasOnlyTheWholePathAsGroup(String path, String target, String expected) {
        PathRouter<String> router = PathRouter.of(List.of(Map.entry(PathMatch.prefix("/api"), "t")));
        assertThat(PathRewrite.parse(target).apply(router.match(path).groups(), "")).isEqualTo(expected);
    }
}
