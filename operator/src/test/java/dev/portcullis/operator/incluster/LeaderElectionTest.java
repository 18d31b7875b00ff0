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
    void statusFollowsTheDataPlaneServicesLoadBalancer() throws Exception {
        stubRulesReview();
        client.services().inNamespace("portcullis").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("portcullis-dataplane").endMetadata()
                .withNewSpec().withType("LoadBalancer").addNewPort().withPort(443).endPort().endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("198.51.100.7").endIngress().endLoadBalancer()
                .endStatus().build()).create();
        createIngress();
        try (OperatorRuntime ignored = OperatorRuntime.start(client, new OperatorSettings("portcullis", "portcullis-operator",
                "127.0.0.1", 0, "portcullis-dataplane", null, false, true, false,
                Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(2)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "198.51.100.7".equals(firstAddress(Ingress::getStatus, true)));
        }
    }

    private String firstAddress(java.util.function.Function<Ingress, io.fabric8.kubernetes.api.model.networking.v1.IngressStatus> status,
                                boolean ip) {
        Ingress ingress = client.network().v1().ingresses().inNamespace("shop").withName("shop").get();
        var current = status.apply(ingress);
        if (current == null || current.getLoadBalancer() == null || current.getLoadBalancer().getIngress() == null
                || current.getLoadBalancer().getIngress().isEmpty()) {
            return null;
        }
        var first = current.getLoadBalancer().getIngress().getFirst();
        return ip ? first.getIp() : first.getHostname();
    }

    private void stubRulesReview() {
        // JOSDK first asks what it may do; the CRUD mock cannot answer that by itself.
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewSpec().withNamespace("portcullis").endSpec()
                        .withNewStatus().withIncomplete(false)
                        .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("*").endResourceRule()
                        .endStatus().build())
                .always();
    }

    private void createIngress() {
        client.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata().withName("portcullis").endMetadata()
                .withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder()
                .withNewMetadata().withName("shop").endMetadata()
                .withNewSpec().withIngressClassName("portcullis").addNewRule().withHost("shop.example.test").endRule().endSpec()
                .build()).create();
    }

    @Test
    void theLeaseHolderWritesStatus() throws Exception {
        stubRulesReview();
        createIngress();
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
