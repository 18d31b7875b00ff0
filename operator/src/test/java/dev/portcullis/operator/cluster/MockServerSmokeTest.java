package dev.portcullis.operator.cluster;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class MockServerSmokeTest {
    KubernetesClient client;

    @Test
    void crudWorks() {
        client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("a").endMetadata()
                .withType("kubernetes.io/tls").build()).create();
        assertThat(client.secrets().inNamespace("default").list().getItems()).hasSize(1);
        assertThat(client.secrets().inNamespace("default").withField("type", "kubernetes.io/tls").list().getItems()).hasSize(1);
        assertThat(client.secrets().inNamespace("default").withoutField("type", "helm.sh/release.v1").list().getItems()).hasSize(1);
    }
}
