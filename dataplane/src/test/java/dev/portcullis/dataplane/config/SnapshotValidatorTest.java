package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotValidatorTest {

    @Test
    void aSoundSnapshotHasNoProblems() {
        assertThat(SnapshotCodecTest.sample().validate()).isEmpty();
    }

    @Test
    void reportsEveryProblemNotOnlyTheFirst() {
        Snapshot broken = new Snapshot(3,
                List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "missing-cert",
                                List.of(new Route(PathMatch.prefix("/"), "missing-cluster"),
                                        new Route(PathMatch.prefix("/"), "web"),
                                        new Route(PathMatch.prefix("no-slash"), "web"))),
                        new VirtualHost("APP.example.test", TlsMode.TERMINATE, null, List.of()),
                        new VirtualHost("*.*.example.test", TlsMode.TERMINATE, null, List.of()),
                        new VirtualHost("bad_label.example.test", TlsMode.TERMINATE, null, List.of())),
                List.of(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 0), Endpoint.ready("", 70000))),
                        new Cluster("web", List.of())),
                List.of(new TlsCertificate("c", "", null)),
                "nope");

        assertThat(broken.validate()).containsExactlyInAnyOrder(
                "certificates[0] \"c\": certificateChainPem is missing",
                "certificates[0] \"c\": privateKeyPem is missing",
                "clusters[0] \"web\" endpoints[0]: port 0 is outside 1-65535",
                "clusters[0] \"web\" endpoints[1]: address is missing",
                "clusters[0] \"web\" endpoints[1]: port 70000 is outside 1-65535",
                "clusters[1] \"web\": duplicate cluster name",
                "virtualHosts[0] \"app.example.test\": names certificate \"missing-cert\", which does not exist",
                "virtualHosts[0] \"app.example.test\" routes[0]: names cluster \"missing-cluster\", which does not exist",
                "virtualHosts[0] \"app.example.test\" routes[1]: duplicate PREFIX match for \"/\"",
                "virtualHosts[0] \"app.example.test\" routes[2]: path \"no-slash\" must start with \"/\"",
                "virtualHosts[1] \"APP.example.test\": hostname must be lowercase DNS labels, optionally after \"*.\"; \"APP\" is not a valid label",
                "virtualHosts[1] \"APP.example.test\": duplicate host, also virtualHosts[0]",
                "virtualHosts[2] \"*.*.example.test\": hostname must be lowercase DNS labels, optionally after \"*.\"; \"*\" is not a valid label",
                "virtualHosts[3] \"bad_label.example.test\": hostname must be lowercase DNS labels, optionally after \"*.\"; \"bad_label\" is not a valid label",
                "defaultCertificate names certificate \"nope\", which does not exist");
    }

    @Test
    void aKeepServingCertificateIsNamedByHostsOrTheDefaultCertificateAndCarriesNoPem() {
        Snapshot sound = new Snapshot(1,
                List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "app (unreadable)", List.of()),
                        new VirtualHost("api.example.test", TlsMode.REENCRYPT, "app (unreadable)", List.of())),
                List.of(), List.of(TlsCertificate.keepServing("app (unreadable)"), TlsCertificate.keepServing("edge (unreadable)")),
                "edge (unreadable)");
        assertThat(sound.validate()).isEmpty();

        Snapshot nonsense = new Snapshot(1,
                List.of(new VirtualHost("pass.example.test", TlsMode.PASSTHROUGH, "kept",
                                List.of(new Route(PathMatch.prefix("/"), "pods"))),
                        new VirtualHost(VirtualHost.ANY_HOST, TlsMode.TERMINATE, "kept", List.of())),
                List.of(new Cluster("pods", BalancePolicy.ROUND_ROBIN, List.of(), 0, 0,
                        new UpstreamTls("pods.svc", null, true, "kept"), ProxyProtocol.OFF)),
                List.of(TlsCertificate.keepServing("kept"), new TlsCertificate("half", "chain", null, true)),
                null);
        assertThat(nonsense.validate()).containsExactlyInAnyOrder(
                "certificates[1] \"half\": a keepServing certificate carries no certificateChainPem or privateKeyPem",
                "clusters[0] \"pods\": upstreamTls names client certificate \"kept\", which is keepServing"
                        + " (only a host or the default certificate can keep what it serves)",
                "virtualHosts[0] \"pass.example.test\": names keepServing certificate \"kept\", but a passthrough host"
                        + " serves no certificate of its own",
                "virtualHosts[1] \"*\": names keepServing certificate \"kept\", but the catch-all host serves no certificate of its own");
    }

    @Test
    void regexRoutesMustCompileAndRouteActionsMustBeSafeToSend() {
        Snapshot snapshot = new Snapshot(1, List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, null, List.of(
                        new Route(PathMatch.regex("(?i)/ok/(.*)"), "web", "/$1", "/ok", null, null),
                        new Route(PathMatch.regex("/broken/(.*"), "web"),
                        new Route(PathMatch.regex("/backref/(a)\\1"), "web"),
                        new Route(PathMatch.regex("/" + "a".repeat(PathPatterns.MAX_PATTERN_LENGTH)), "web"),
                        new Route(PathMatch.prefix("/r"), "web", "/$host", "bad\r\nheader: x", null, "no-slash"),
                        new Route(PathMatch.prefix("/m"), "web", null, null, new Route.Redirect(200, "ftp://x"), null)))),
                List.of(new Cluster("web", List.of())), List.of(), null);
        assertThat(snapshot.validate()).containsExactly(
                "virtualHosts[0] \"app.example.test\" routes[1]: Regex \"/broken/(.*\": not a valid RE2 regular expression: missing closing )",
                "virtualHosts[0] \"app.example.test\" routes[2]: Regex \"/backref/(a)\\1\": not a valid RE2 regular expression: invalid escape sequence",
                "virtualHosts[0] \"app.example.test\" routes[3]: Regex \"/" + "a".repeat(PathPatterns.MAX_PATTERN_LENGTH)
                        + "\": the regular expression is longer than 1024 characters",
                "virtualHosts[0] \"app.example.test\" routes[4]: rewrite must start with \"/\" or a group ($0..$9), be printable ASCII"
                        + " without spaces, and name no \"$\" other than groups",
                "virtualHosts[0] \"app.example.test\" routes[4]: forwardedPrefix must be printable ASCII without spaces",
                "virtualHosts[0] \"app.example.test\" routes[4]: appRoot must be a path starting with \"/\", printable ASCII without spaces",
                "virtualHosts[0] \"app.example.test\" routes[5]: redirect code 200 is not between 300 and 308",
                "virtualHosts[0] \"app.example.test\" routes[5]: redirect location must be an absolute http or https URL,"
                        + " printable ASCII without spaces");
    }

    @Test
    void endpointAddressesAreIpLiteralsNeverNames() {
        Snapshot snapshot = new Snapshot(1, List.of(),
                List.of(new Cluster("web", List.of(Endpoint.ready("10.0.0.1", 80), Endpoint.ready("fd00::1", 80),
                        Endpoint.ready("localhost", 80), Endpoint.ready("1:2", 80)))),
                List.of(), null);
        assertThat(snapshot.validate()).containsExactly(
                "clusters[0] \"web\" endpoints[2]: address is not an IP address (names are never looked up)",
                "clusters[0] \"web\" endpoints[3]: address is not an IP address (names are never looked up)");
    }

    @Test
    void ipLiteralsParseWithoutALookup() {
        assertThat(List.of("10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "fd00::1:2", "::ffff:10.0.0.1",
                "2001:db8:0:0:0:0:0:1")).allMatch(IpLiteral::is);
        assertThat(java.util.Arrays.asList("localhost", "example.test", "10.0.0.256", "10.0.0", "010.0.0.1",
                "1:2", ":::", "[::1]", "fe80::1%eth0", "10.0.0.1 ", "", null, "a" + ":".repeat(50)))
                .noneMatch(IpLiteral::is);
    }

    @Test
    void missingNamesAreReportedByPosition() {
        Snapshot snapshot = new Snapshot(-1,
                List.of(new VirtualHost(null, null, null, List.of(new Route(null, null)))),
                List.of(new Cluster(" ", List.of())),
                List.of(new TlsCertificate(null, "x", "y")),
                null);
        assertThat(snapshot.validate()).containsExactlyInAnyOrder(
                "version -1 is negative",
                "virtualHosts[0]: hostname is missing",
                "clusters[0]: name is missing",
                "certificates[0]: name is missing");
    }
}
