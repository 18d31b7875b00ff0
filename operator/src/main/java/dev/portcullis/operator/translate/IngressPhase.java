package dev.portcullis.operator.translate;

/** One step of translation applied to each served Ingress in turn, oldest first. */
interface IngressPhase {

    void apply(ServedIngress served);
}
