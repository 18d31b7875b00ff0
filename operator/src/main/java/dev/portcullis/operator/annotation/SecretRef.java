package dev.portcullis.operator.annotation;

/** A Secret named by an annotation: {@code name}, or {@code namespace/name} as ingress-nginx writes it. */
public record SecretRef(String namespace, String name) {

    public static SecretRef parse(String value) {
        int slash = value.indexOf('/');
        return slash < 0 ? new SecretRef(null, value) : new SecretRef(value.substring(0, slash), value.substring(slash + 1));
    }

    @Override
    public String toString() {
        return namespace == null ? name : namespace + "/" + name;
    }
}
