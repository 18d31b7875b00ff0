package dev.portcullis.operator.incluster;

import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With leader election on, the replica holding the Lease writes status. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void theLeaseHolderWritesStatus() throws Exception {
        // JOSDK first asks what it may do; the CRUD mock cannot answer that by itself.
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewSpec().withNamespace("portcullis").endSpec()
                        .withNewStatus().withIncomplete(false)
                        .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("*").endResourceRule()
                        .endStatus().build())
                .always();
        client.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata().withName("portcullis").endMetadata()
                .withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder()
                .withNewMetadata().withName("shop").endMetadata()
                .withNewSpec().withIngressClassName("portcullis").addNewRule().withHost("shop.example.test").endRule().endSpec()
                .build()).create();
        try (OperatorRuntime ignored = OperatorRuntime.start(client, new OperatorSettings("portcullis", "portcullis-operator",
                "127.0.0.1", 0, "portcullis-dataplane", "shop.lb.example.test", false, true, false,
                Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(2)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Ingress ingress = client.network().v1().ingresses().inNamespace("shop").withName("shop").get();
                return ingress.getStatus() != null && ingress.getStatus().getLoadBalancer() != null
                        && ingress.getStatus().getLoadBalancer().getIngress() != null
                        && !ingress.getStatus().getLoadBalancer().getIngress().isEmpty();
            });
            assertThat(client.leases().inNamespace("portcullis").withName("portcullis-operator").get()).isNotNull();
            assertThat(client.network().v1().ingresses().inNamespace("shop").withName("shop").get().getStatus()
                    .getLoadBalancer().getIngress().getFirst().getHostname()).isEqualTo("shop.lb.example.test");
        }
    }
}
