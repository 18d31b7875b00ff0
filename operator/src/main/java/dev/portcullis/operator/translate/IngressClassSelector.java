package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which Ingresses are ours: those whose {@code ingressClassName} (or legacy
 * {@code kubernetes.io/ingress.class} annotation) names an IngressClass of our controller, and those
 * with no class at all when our IngressClass is the default.
 */
public final class IngressClassSelector {

    public static final String CONTROLLER = "portcullis.dev/ingress-controller";
    public static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
    public static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

    private final Set<String> ourClasses;
    private final boolean oursIsDefault;

    public IngressClassSelector(List<IngressClass> ingressClasses) {
        List<IngressClass> ours = ingressClasses.stream()
                .filter(ingressClass -> ingressClass.getSpec() != null && CONTROLLER.equals(ingressClass.getSpec().getController()))
                .toList();
        this.ourClasses = ours.stream().map(ingressClass -> ingressClass.getMetadata().getName()).collect(Collectors.toSet());
        this.oursIsDefault = ours.stream().anyMatch(IngressClassSelector::isDefault);
    }

    public static boolean isDefault(IngressClass ingressClass) {
        Map<String, String> annotations = ingressClass.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(DEFAULT_CLASS_ANNOTATION));
    }

    public boolean isOurs(Ingress ingress) {
        String className = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
        if (className != null) {
            return ourClasses.contains(className);
        }
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        String legacy = annotations == null ? null : annotations.get(LEGACY_CLASS_ANNOTATION);
        if (legacy != null) {
            return ourClasses.contains(legacy);
        }
        return oursIsDefault;
    }
}
