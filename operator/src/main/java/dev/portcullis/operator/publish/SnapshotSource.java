package dev.portcullis.operator.publish;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.operator.translate.ClusterState;

import java.util.Optional;

/** What the publisher translates: the cluster as one IngressClass's data planes see it. */
public interface SnapshotSource {

    /** Every class of ours: the translation whose problems become Events and status. */
    String ALL_CLASSES = "";

    /** The cluster, restricted to one IngressClass unless {@code ingressClass} is {@link #ALL_CLASSES}. */
    ClusterState state(String ingressClass);

    /** The default certificate the DataPlane serving {@code ingressClass} asks for, if any. */
    Optional<TlsCertificate> defaultCertificate(String ingressClass);
}
