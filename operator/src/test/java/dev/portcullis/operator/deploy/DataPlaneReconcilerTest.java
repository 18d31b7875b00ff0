package dev.portcullis.operator.deploy;

import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The DataPlane reconciler against the mock API server: what it creates, and that it puts back hand edits. */
@RealApiServerTest
class DataPlaneReconcilerTest {

    static RealApiServer server;
    KubernetesClient client;

    @Test
    void aDataPlaneGetsHardenedPodsAServiceABudgetAndItsCertificateAppliedServerSide() throws Exception {
        client = server.adminClient();
        for (String namespace : List.of("portcullis", "ingress")) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        RealApiServer.installCrds(client, Path.of("../crds/dataplanes.portcullis.dev-v1.yml"));
        try (KubernetesClient operatorClient = server.operatorClient();
             OperatorRuntime ignored = OperatorRuntime.start(operatorClient, new OperatorSettings("portcullis",
                     "portcullis-operator", "127.0.0.1", 8443, "edge-dataplane", null, true, false, false,
                     Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(2)))) {
            DataPlane dataPlane = new DataPlane();
            dataPlane.setMetadata(new ObjectMetaBuilder().withName("edge").withNamespace("ingress").build());
            dataPlane.setSpec(new DataPlaneSpec());
            dataPlane.getSpec().replicas = 3;
            dataPlane.getSpec().service.externalTrafficPolicy = "Local";
            client.resource(dataPlane).create();

            await().atMost(Duration.ofSeconds(20)).until(() -> deployment() != null
                    && client.services().inNamespace("ingress").withName("edge-dataplane").get() != null
                    && client.policy().v1().podDisruptionBudget().inNamespace("ingress").withName("edge-dataplane").get() != null
                    && client.secrets().inNamespace("ingress").withName("edge-dataplane-client").get() != null);

            Deployment deployment = deployment();
            assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
            assertThat(deployment.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("DataPlane"));
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getAutomountServiceAccountToken()).as("no service-account token").isFalse();
            Container container = pod.getContainers().getFirst();
            assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
            assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
            assertThat(container.getLifecycle()).as("the process drains on SIGTERM itself: no preStop sleep").isNull();
            assertThat(pod.getTerminationGracePeriodSeconds()).as("the default drain timeout, 30 s, and 5 to spare").isEqualTo(35);
            assertThat(container.getArgs()).containsSequence("--control-plane", "https://portcullis-operator.portcullis.svc:8443")
                    .containsSequence("--ingress-class", "portcullis")
                    .as("listener settings travel in the snapshot, not as arguments").doesNotContain("--min-tls-version");
            assertThat(client.services().inNamespace("ingress").withName("edge-dataplane").get().getSpec()
                    .getExternalTrafficPolicy()).isEqualTo("Local");

            assertThat(deployment.getMetadata().getManagedFields()).anySatisfy(entry -> {
                assertThat(entry.getManager()).isEqualTo("portcullis");
                assertThat(entry.getOperation()).isEqualTo("Apply");
            });

            // A hand edit is put back.
            client.apps().deployments().inNamespace("ingress").withName("edge-dataplane").edit(edited -> {
                edited.getSpec().setReplicas(1);
                return edited;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> deployment().getSpec().getReplicas() == 3);

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                DataPlane current = client.resources(DataPlane.class).inNamespace("ingress").withName("edge").get();
                return current.getStatus() != null && current.getStatus().conditions.stream()
                        .anyMatch(condition -> condition.getType().equals("Ready"));
            });
            assertThat(server.auditLog().by(RealApiServer.OPERATOR_USER)).as("the operator's requests answered 409")
                    .filteredOn(entry -> !entry.resource().equals("events"))
                    .noneMatch(entry -> entry.code() == 409);
            assertThat(server.auditLog().by(RealApiServer.OPERATOR_USER)).as("no GET per owned object: the API server compares")
                    .noneMatch(entry -> entry.verb().equals("get") && List.of("deployments", "services", "poddisruptionbudgets")
                            .contains(entry.resource()));
        } finally {
            client.close();
        }
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace("ingress").withName("edge-dataplane").get();
    }
}
