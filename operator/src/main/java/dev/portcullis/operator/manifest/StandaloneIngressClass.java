package dev.portcullis.operator.manifest;

import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.IngressClassSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;

import java.util.Map;

/**
 * Standalone there is no Helm chart to install our IngressClass, so {@code serve} and {@code check}
 * supply it: named {@value #NAME} unless the manifests define that class themselves, and the
 * default class unless the manifests mark another class as default. The embedded data plane serves
 * that class: a DataPlane manifest for it sets the listener (minimum TLS version, default certificate).
 */
public final class StandaloneIngressClass {

    public static final String NAME = "portcullis";

    private StandaloneIngressClass() {
    }

    public static ClusterState ensure(ClusterState state) {
        boolean defined = state.ingressClasses().stream().anyMatch(c -> NAME.equals(c.getMetadata().getName()));
        if (defined) {
            return state.servedTo(NAME);
        }
        boolean otherDefault = state.ingressClasses().stream().anyMatch(IngressClassSelector::isDefault);
        IngressClass implicit = new IngressClassBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(NAME)
                        .withAnnotations(otherDefault ? Map.of()
                                : Map.of(IngressClassSelector.DEFAULT_CLASS_ANNOTATION, "true"))
                        .build())
                .withNewSpec().withController(IngressClassSelector.CONTROLLER).endSpec()
                .build();
        return state.withIngressClass(implicit).servedTo(NAME);
    }
}
