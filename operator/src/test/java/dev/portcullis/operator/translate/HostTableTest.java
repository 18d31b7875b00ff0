package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.TlsModeAnnotation;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The host table the phases share, and the host names they accept. */
class HostTableTest {

    @ParameterizedTest(name = "\"{0}\" is a host: {1}")
    @CsvSource({"app.example.test, true", "*.example.test, true", "a, true", "App.example.test, false",
            "*.*.example.test, false", "app..example.test, false", "-app.example.test, false", "app_1.example.test, false",
            "'', true", "example.test., false"})
    void hostNames(String host, boolean valid) {
        assertThat(HostNames.valid(host)).isEqualTo(valid ? java.util.Optional.of(host.isEmpty() ? VirtualHost.ANY_HOST : host)
                : java.util.Optional.empty());
    }

    @Test
    void theFirstIngressSetsAHostsModeAndALaterOneAskingForAnotherLosesIt() {
        Problems problems = new Problems();
        HostTable table = new HostTable(problems);
        HostTable.Host host = table.host("app.example.test");
        assertThat(table.claimMode(served("older", TlsModeAnnotation.TERMINATE), "app.example.test", host)).isTrue();
        assertThat(table.claimMode(served("same", TlsModeAnnotation.TERMINATE), "app.example.test", host)).isTrue();
        assertThat(table.claimMode(served("newer", TlsModeAnnotation.PASSTHROUGH), "app.example.test", host)).isFalse();
        assertThat(problems.all()).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("TlsModeConflict");
            assertThat(problem.object().name()).isEqualTo("newer");
            assertThat(problem.message()).contains("older Ingress default/older");
        });
        HostTable.Host any = table.host(VirtualHost.ANY_HOST);
        assertThat(table.claimMode(served("newer", TlsModeAnnotation.PASSTHROUGH), VirtualHost.ANY_HOST, any))
                .as("the catch-all host has no mode to contest").isTrue();
    }

    @Test
    void theFirstRuleToClaimAPathKeepsItAndALaterOneIsAWarning() {
        Problems problems = new Problems();
        HostTable table = new HostTable(problems);
        HostTable.Host host = table.host("app.example.test");
        ObjectRef older = new ObjectRef("Ingress", "default", "older");
        ObjectRef newer = new ObjectRef("Ingress", "default", "newer");
        table.claim(older, "app.example.test", host, PathMatch.prefix("/"), "default/web:80");
        table.claim(newer, "app.example.test", host, PathMatch.prefix("/"), "default/other:80");
        table.claim(newer, "app.example.test", host, PathMatch.exact("/"), "default/other:80");

        assertThat(host.routes).containsEntry(PathMatch.prefix("/"), new HostTable.Claim("default/web:80", older, false))
                .containsEntry(PathMatch.exact("/"), new HostTable.Claim("default/other:80", newer, false));
        assertThat(problems.all()).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("PathConflict");
            assertThat(problem.isError()).isFalse();
        });
    }

    private static ServedIngress served(String name, TlsModeAnnotation mode) {
        var ingress = new IngressBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().endSpec().build();
        return new ServedIngress(ingress, ObjectRef.of(ingress), IngressAnnotations.read(Map.of()), mode, null);
    }
}
