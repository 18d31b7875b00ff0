package dev.portcullis.operator.cluster;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TranslatedFieldsTest {

    private static final Ingress SHOP = new IngressBuilder().withNewMetadata().withName("shop").withNamespace("default")
            .withResourceVersion("10").withGeneration(1L).addToAnnotations("portcullis.dev/load-balance", "round-robin").endMetadata()
            .withNewSpec().addNewRule().withHost("shop.example.test").endRule().endSpec().build();

    @Test
    void aStatusWriteIsNotAChange() {
        Ingress withAddress = new IngressBuilder(SHOP).editMetadata().withResourceVersion("11").addNewManagedField()
                .withManager("portcullis").endManagedField().endMetadata()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("203.0.113.7").endIngress().endLoadBalancer().endStatus()
                .build();
        assertThat(TranslatedFields.changed(SHOP, withAddress)).isFalse();
    }

    @Test
    void specAnnotationAndLabelEditsAreChanges() {
        assertThat(TranslatedFields.changed(SHOP, new IngressBuilder(SHOP).editSpec().editFirstRule().withHost("cart.example.test")
                .endRule().endSpec().build())).isTrue();
        assertThat(TranslatedFields.changed(SHOP, new IngressBuilder(SHOP).editMetadata()
                .addToAnnotations("portcullis.dev/load-balance", "least-request").endMetadata().build())).isTrue();
        assertThat(TranslatedFields.changed(SHOP, new IngressBuilder(SHOP).editMetadata()
                .addToLabels("team", "shop").endMetadata().build())).isTrue();
    }

    @Test
    void everyUpdateOfAnotherKindIsAChange() {
        var secret = new SecretBuilder().withNewMetadata().withName("tls").withResourceVersion("1").endMetadata().build();
        assertThat(TranslatedFields.changed(secret, new SecretBuilder(secret).editMetadata().withResourceVersion("2").endMetadata()
                .build())).isTrue();
    }
}
