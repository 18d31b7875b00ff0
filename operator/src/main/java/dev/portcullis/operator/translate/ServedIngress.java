package dev.portcullis.operator.translate;

import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.annotation.TlsModeAnnotation;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import java.util.List;

/** An Ingress that is served, with its annotations read once and what they say about its backends. */
record ServedIngress(Ingress ingress, ObjectRef ref, IngressAnnotations annotations, TlsModeAnnotation mode,
                     ClusterSettings settings, HostTlsReader.HostTls hostTls) {

    ServedIngress {
        hostTls = hostTls == null ? HostTlsReader.HostTls.NONE : hostTls;
    }

    ServedIngress(Ingress ingress, ObjectRef ref, IngressAnnotations annotations, TlsModeAnnotation mode,
                  ClusterSettings settings) {
        this(ingress, ref, annotations, mode, settings, null);
    }

    /** The same settings for a newer object of the same Ingress (its spec may differ, its annotations do not). */
    ServedIngress withIngress(Ingress newer) {
        return new ServedIngress(newer, ref, annotations, mode, settings, hostTls);
    }

    String namespace() {
        return ClusterState.namespaceOf(ingress);
    }

    boolean passthrough() {
        return mode == TlsModeAnnotation.PASSTHROUGH;
    }

    List<IngressRule> rules() {
        return ingress.getSpec().getRules() == null ? List.of() : ingress.getSpec().getRules();
    }
}
