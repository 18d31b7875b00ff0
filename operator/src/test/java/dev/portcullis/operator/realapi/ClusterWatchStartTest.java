package dev.portcullis.operator.realapi;

import dev.portcullis.operator.cluster.ClusterWatch;
import dev.portcullis.testkit.AuditLog;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's first look at a cluster: every kind listed in pages (a cluster's Secrets are not
 * one response of tens of megabytes), and no change reported while the lists come in (each would
 * translate a half-listed cluster); once listed, changes are reported.
 */
@RealApiServerTest
class ClusterWatchStartTest {

    private static final int SECRETS = 700;

    static RealApiServer server;

    @Test
    void listsInPagesAndReportsChangesOnlyOnceEverythingIsListed() throws Exception {
        try (KubernetesClient admin = server.adminClient(); KubernetesClient operatorClient = server.operatorClient()) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
            RealApiServer.installCrds(admin, Path.of("../crds/dataplanes.portcullis.dev-v1.yml"));
            IntStream.range(0, SECRETS).parallel().forEach(i -> admin.secrets().inNamespace("shop").resource(new SecretBuilder()
                    .withNewMetadata().withName("s-" + i).endMetadata().withType("Opaque")
                    .withStringData(Map.of("value", "v" + i)).build()).create());

            AtomicInteger changes = new AtomicInteger();
            try (ClusterWatch watch = new ClusterWatch(operatorClient, changes::incrementAndGet)) {
                watch.start();
                assertThat(watch.state().secrets()).filteredOn(secret -> secret.getMetadata().getName().startsWith("s-"))
                        .hasSize(SECRETS);
                assertThat(changes.get()).as("nothing reported while listing").isZero();

                admin.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder().withNewMetadata()
                        .withName("web").endMetadata().withNewSpec().addNewRule().withHost("web.example.test").endRule()
                        .endSpec().build()).create();
                await().atMost(Duration.ofSeconds(30)).until(() -> changes.get() > 0);
            }
            List<AuditLog.Entry> secretLists = server.auditLog().by(RealApiServer.OPERATOR_USER).stream()
                    .filter(entry -> entry.resource().equals("secrets") && entry.verb().equals("list")).toList();
            assertThat(secretLists).as("pages of at most 500: %s", secretLists)
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allMatch(entry -> entry.requestUri().contains("limit=500"));
        }
    }
}
