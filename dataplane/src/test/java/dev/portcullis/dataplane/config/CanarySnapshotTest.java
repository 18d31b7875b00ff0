package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A route's canary in the Snapshot: left out of JSON when absent, carried whole when present, checked by the validator. */
class CanarySnapshotTest {

    private static Snapshot with(Canary canary) {
        return new Snapshot(1, List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, null, List.of(
                new Route(PathMatch.prefix("/"), "main", null, null, null, null, null, null, null, null, canary, null)))),
                List.of(new Cluster("main", List.of()), new Cluster("alt", List.of())), List.of(), null);
    }

    @Test
    void aRouteWithoutCanaryHasNoCanaryInItsJson() {
        assertThat(SnapshotCodec.toJson(with(null))).doesNotContain("canary");
    }

    @Test
    void aCanaryTravelsWholeAndItsTotalDefaultsToAHundred() {
        Canary canary = new Canary("alt", "X-Canary", null, "^beta$", "canary", 30, 0);
        Snapshot read = SnapshotCodec.fromJson(SnapshotCodec.toJson(with(canary)).getBytes(StandardCharsets.UTF_8));
        Canary back = read.virtualHosts().getFirst().routes().getFirst().canary();
        assertThat(back).isEqualTo(new Canary("alt", "X-Canary", null, "^beta$", "canary", 30, 100));
        assertThat(read.validate()).isEmpty();
    }

    @Test
    void theValidatorNamesEveryFlawOfACanary() {
        assertThat(with(new Canary("gone", "X Canary", "a\nb", "(", "bad cookie", 5, 4)).validate()).containsExactlyInAnyOrder(
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: header \"X Canary\" is not a field name",
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: headerValue cannot be a field value",
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: headerValue and headerPattern exclude each other",
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: headerPattern: not a valid RE2 regular expression:"
                        + " missing closing )",
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: cookie \"bad cookie\" is not a cookie name",
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: weight 5 is not between 0 and weightTotal (4)",
                "virtualHosts[0] \"app.example.test\" routes[0]: canary names cluster \"gone\", which does not exist");
        assertThat(with(new Canary("alt", null, "blue", null, null, 0, -1)).validate()).containsExactlyInAnyOrder(
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: headerValue and headerPattern need a header",
                "virtualHosts[0] \"app.example.test\" routes[0]: canary: weightTotal -1 is not between 1 and 1000000");
    }
}
