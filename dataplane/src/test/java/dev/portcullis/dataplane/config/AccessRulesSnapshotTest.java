package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Access rules in the snapshot: JSON both ways (left out when absent), and what the validator refuses. */
class AccessRulesSnapshotTest {

    private static Snapshot withRoute(AccessRules rules) {
        return new Snapshot(1, List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, null,
                List.of(new Route(PathMatch.prefix("/"), "web", null, null, null, null, null, null, null, null, null, rules)))),
                List.of(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 8080)))), List.of(), null);
    }

    @Test
    void rulesTravelInJsonAndAreLeftOutWhenAbsent() {
        AccessRules rules = new AccessRules(List.of("10.0.0.0/8"), List.of("10.1.0.0/16"),
                new AccessRules.RateLimit("default/site", 10, 0, 5, 2, List.of("192.168.0.0/16")),
                new AccessRules.ExternalAuth("http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth", "GET",
                        "https://auth.example.com/oauth2/start", List.of("X-Auth-Request-User")));
        Snapshot snapshot = withRoute(rules);
        String json = SnapshotCodec.toJson(snapshot);
        assertThat(json).contains("\"access\"").doesNotContain("\"rpm\"");
        assertThat(SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(snapshot);
        assertThat(snapshot.validate()).isEmpty();
        assertThat(SnapshotCodec.toJson(withRoute(null))).doesNotContain("access");
    }

    @Test
    void invalidRulesAreProblems() {
        Snapshot broken = withRoute(new AccessRules(List.of("10.0.0.0/33"), List.of("example.com"),
                new AccessRules.RateLimit("", 0, 0, 1, 0, List.of("x")),
                new AccessRules.ExternalAuth("ftp://auth/", "get", "/signin", List.of("bad header"))));
        assertThat(broken.validate()).containsExactlyInAnyOrder(
                "virtualHosts[0] \"app.example.test\" routes[0]: access: allow: \"10.0.0.0/33\" has a prefix length outside 0-32",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: deny: \"example.com\" is not an IPv4 or IPv6 address or network",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: rateLimit zone is missing",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: rateLimit sets none of rps, rpm and connections",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: rateLimit exempt: \"x\" is not an IPv4 or IPv6 address or network",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: auth url must be an absolute http or https URL with a host, printable ASCII without spaces",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: auth signin must be an absolute http or https URL with a host, printable ASCII without spaces",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: auth method \"get\" is not an HTTP method in capitals",
                "virtualHosts[0] \"app.example.test\" routes[0]: access: auth responseHeaders: \"bad header\" is not a header name");
    }

    @Test
    void aHostCarriesSourceRangesOnlyAndOnlyWhenPassedThrough() {
        AccessRules limited = new AccessRules(List.of("10.0.0.0/8"), List.of(),
                new AccessRules.RateLimit("default/site", 1, 0, 5, 0, List.of()), null);
        Snapshot snapshot = new Snapshot(1, List.of(
                new VirtualHost("pass.example.test", TlsMode.PASSTHROUGH, null, List.of(new Route(PathMatch.prefix("/"), "web")),
                        false, null, null, null, limited),
                new VirtualHost("app.example.test", TlsMode.TERMINATE, null, List.of(), false, null, null, null,
                        AccessRules.sourceRanges(List.of("10.0.0.0/8"), List.of()))),
                List.of(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 8443)))), List.of(), null);
        assertThat(snapshot.validate()).containsExactlyInAnyOrder(
                "virtualHosts[0] \"pass.example.test\": access: a passthrough host relays TLS bytes: only source ranges apply to it",
                "virtualHosts[1] \"app.example.test\": access on a host is for passthrough hosts; HTTP hosts have it on their routes");
    }
}
