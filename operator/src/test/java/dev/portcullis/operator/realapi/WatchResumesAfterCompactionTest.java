package dev.portcullis.operator.realapi;

import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import dev.portcullis.operator.publish.PublishedSnapshot;
import dev.portcullis.testkit.AuditLog;
import dev.portcullis.testkit.CuttableTunnel;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator whose watches break while the cluster changes and etcd compacts resumes from a
 * resourceVersion that no longer exists: the API server answers 410 Gone, and the operator must
 * list again and serve what it missed. (The watch cache is off, so every watch reads etcd.)
 */
@RealApiServerTest(watchCache = false)
class WatchResumesAfterCompactionTest {

    static RealApiServer server;

    @Test
    void afterA410GoneTheOperatorListsAgainAndServesWhatItMissed() throws Exception {
        try (KubernetesClient admin = server.adminClient();
             CuttableTunnel tunnel = CuttableTunnel.to(server.url());
             KubernetesClient operatorClient = server.operatorClient(tunnel.url(server.url()))) {
            for (String name : List.of("portcullis", "shop")) {
                admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
            }
            RealApiServer.installCrds(admin, Path.of("../crds/dataplanes.portcullis.dev-v1.yml"));
            admin.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata().withName("portcullis")
                    .endMetadata().withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
            try (OperatorRuntime operator = OperatorRuntime.start(operatorClient, new OperatorSettings("portcullis",
                    "portcullis-operator", "127.0.0.1", 0, "portcullis-dataplane", null, true, false, false,
                    Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(2)))) {
                ingress(admin, "before");
                await().atMost(Duration.ofSeconds(30)).until(() -> servedHosts(operator).contains("before.example.test"));
                long listsBefore = ingressLists();

                tunnel.cut();
                ingress(admin, "missed");
                // etcd keeps the revision it compacts to, so a watch resuming from the revision just before
                // "missed" would still be served. One more write puts every revision the operator can resume
                // from behind the compaction.
                admin.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata()
                        .withName("after-missed").endMetadata().build()).create();
                Instant compaction = Instant.now();
                long compactedTo = server.compactEtcd();
                tunnel.restore();

                await().atMost(Duration.ofSeconds(90)).until(() -> servedHosts(operator).contains("missed.example.test"));
                // A watch answers 410 inside its stream (the audit log sees the upgrade, 101); what shows it is
                // the order: a watch resumed from a revision compaction removed, then a full list (no
                // resourceVersion), which the informer makes only after 410 Gone. The API server writes a
                // request's audit event once it has answered, so the log may trail what the operator serves.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    List<AuditLog.Entry> ingressRequests = server.auditLog().by(RealApiServer.OPERATOR_USER).stream()
                            .filter(entry -> entry.resource().equals("ingresses")).toList();
                    Instant staleWatch = ingressRequests.stream()
                            .filter(entry -> entry.verb().equals("watch") && !entry.requestedResourceVersion().isEmpty()
                                    && Long.parseLong(entry.requestedResourceVersion()) < compactedTo
                                    && entry.completed().isAfter(compaction))
                            .map(AuditLog.Entry::completed).min(Instant::compareTo)
                            .orElseThrow(() -> new AssertionError("no watch resumed from before revision " + compactedTo
                                    + ": " + ingressRequests));
                    assertThat(ingressRequests).as("a full list after the stale watch (revision < %d)", compactedTo)
                            .anyMatch(entry -> entry.verb().equals("list") && entry.requestedResourceVersion().isEmpty()
                                    && !entry.completed().isBefore(staleWatch));
                });
                assertThat(ingressLists()).isGreaterThan(listsBefore);
            }
        }
    }

    private static long ingressLists() {
        return server.auditLog().by(RealApiServer.OPERATOR_USER).stream()
                .filter(entry -> entry.resource().equals("ingresses") && entry.verb().equals("list")).count();
    }

    private static List<String> servedHosts(OperatorRuntime operator) {
        PublishedSnapshot latest = operator.publisher().latest();
        return latest == null ? List.of()
                : latest.translation().snapshot().virtualHosts().stream().map(VirtualHost::hostname).toList();
    }

    private static void ingress(KubernetesClient admin, String name) {
        admin.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withIngressClassName("portcullis")
                .addNewRule().withHost(name + ".example.test").withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
                .endBackend().endPath().endHttp().endRule().endSpec().build()).create();
    }

}
