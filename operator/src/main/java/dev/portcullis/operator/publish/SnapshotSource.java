package dev.portcullis.operator.publish;

import dev.portcullis.operator.translate.ClusterState;


/** What the publisher translates: the cluster as one IngressClass's data planes see it. */
@FunctionalInterface
public interface SnapshotSource {

    /** Every class of ours: the translation whose problems become Events and status. */
    String ALL_CLASSES = "";

    /** The cluster, restricted to one IngressClass unless {@code ingressClass} is {@link #ALL_CLASSES}. */
    ClusterState state(String ingressClass);
}
