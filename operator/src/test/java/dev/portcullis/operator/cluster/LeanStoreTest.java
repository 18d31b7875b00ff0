package dev.portcullis.operator.cluster;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LeanStoreTest {

    private static final ManagedFieldsEntry MANAGER = new ManagedFieldsEntry("v1", "FieldsV1", fields(), "kubectl",
            "Update", null, null);

    @Test
    void objectsAreStoredWithoutManagedFieldsOrKubectlsCopyAndKeepEverythingElse() {
        LeanStore<Secret> store = LeanStore.withoutBookkeeping();
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("shop").withName("tls")
                .withResourceVersion("7").withManagedFields(MANAGER)
                .withAnnotations(Map.of(LeanStore.LAST_APPLIED, "{\"data\":{\"tls.key\":\"...\"}}", "team", "shop"))
                .endMetadata().withType("kubernetes.io/tls").withData(Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5")).build();

        store.put(store.getKey(secret), secret);

        Secret stored = store.get("shop/tls");
        assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(stored.getMetadata().getAnnotations()).containsExactly(Map.entry("team", "shop"));
        assertThat(stored.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(stored.getData()).containsOnlyKeys("tls.crt", "tls.key");
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.remove("shop/tls")).isSameAs(stored);
        assertThat(store.values()).isEmpty();
    }

    @Test
    void everyPutAndRemoveIsCountedSoThatAnIndexOfTheObjectsKnowsWhenToBuildAgain() {
        LeanStore<Secret> store = LeanStore.withoutBookkeeping();
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("shop").withName("tls").endMetadata().build();
        long before = store.changes();
        store.get("shop/tls");
        store.values().toList();
        assertThat(store.changes()).as("reads change nothing").isEqualTo(before);
        store.put(store.getKey(secret), secret);
        store.put(store.getKey(secret), new SecretBuilder(secret).build());
        store.remove("shop/tls");
        assertThat(store.changes()).isEqualTo(before + 3);
    }

    @Test
    void theStatusReconcilersIngressesKeepTheirClassAndStatusButNotTheirRules() {
        LeanStore<Ingress> store = LeanStore.ingressesForStatus();
        Ingress ingress = new IngressBuilder().withNewMetadata().withNamespace("shop").withName("web").withUid("u1")
                .withManagedFields(MANAGER).withAnnotations(Map.of("kubernetes.io/ingress.class", "portcullis")).endMetadata()
                .withNewSpec().withIngressClassName("portcullis")
                .addNewRule().withHost("shop.example.com").endRule()
                .addNewTl().withHosts("shop.example.com").withSecretName("tls").endTl().endSpec()
                .withNewStatus().withNewLoadBalancer().withIngress(new IngressLoadBalancerIngress(null, "192.0.2.1", null))
                .endLoadBalancer().endStatus().build();

        store.put(store.getKey(ingress), ingress);

        Ingress stored = store.get("shop/web");
        assertThat(stored.getSpec().getIngressClassName()).isEqualTo("portcullis");
        assertThat(stored.getSpec().getRules()).isNullOrEmpty();
        assertThat(stored.getSpec().getTls()).isNullOrEmpty();
        assertThat(stored.getMetadata().getAnnotations()).containsEntry("kubernetes.io/ingress.class", "portcullis");
        assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(stored.getStatus().getLoadBalancer().getIngress()).extracting(IngressLoadBalancerIngress::getIp)
                .isEqualTo(List.of("192.0.2.1"));
    }

    @Test
    void everyEmptyListAndMapIsASharedOneAndAFilledOneIsKept() {
        LeanStore<Ingress> store = LeanStore.withoutBookkeeping();
        Ingress ingress = new IngressBuilder().withNewMetadata().withNamespace("shop").withName("web").endMetadata()
                .withNewSpec().addNewRule().withHost("shop.example.com").withNewHttp().addNewPath().withPath("/")
                .withPathType("Prefix").withNewBackend().withNewService().withName("web").withNewPort().withNumber(80)
                .endPort().endService().endBackend().endPath().endHttp().endRule()
                .addNewTl().withHosts("shop.example.com").withSecretName("tls").endTl().endSpec().build();
        ingress.getSpec().getRules().getFirst().setAdditionalProperties(new java.util.LinkedHashMap<>(Map.of("future", 1)));
        String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(ingress);

        store.put(store.getKey(ingress), ingress);

        Ingress stored = store.get("shop/web");
        var path = stored.getSpec().getRules().getFirst().getHttp().getPaths().getFirst();
        Map<String, Object> shared = stored.getAdditionalProperties();
        assertThat(shared).isEmpty();
        assertThat(List.of(stored.getMetadata().getAdditionalProperties(), stored.getSpec().getAdditionalProperties(),
                stored.getSpec().getTls().getFirst().getAdditionalProperties(), path.getAdditionalProperties(),
                path.getBackend().getService().getPort().getAdditionalProperties()))
                .allSatisfy(map -> assertThat(map).isSameAs(shared));
        assertThat(stored.getSpec().getRules().getFirst().getAdditionalProperties()).containsExactly(Map.entry("future", 1));
        assertThat(stored.getMetadata().getFinalizers()).isSameAs(List.of());
        assertThat(stored.getMetadata().getLabels()).isSameAs(Map.of());
        assertThat(stored.getSpec().getTls().getFirst().getHosts()).containsExactly("shop.example.com");
        assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(stored)).as("the same object").isEqualTo(before);
        assertThat(new IngressBuilder(stored).build()).isEqualTo(stored);
    }

    private static FieldsV1 fields() {
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:data", Map.of("f:tls.crt", Map.of(), "f:tls.key", Map.of()));
        return fields;
    }
}
