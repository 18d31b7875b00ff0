package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Comparator;

/** Which Kubernetes object a problem belongs to. */
public record ObjectRef(String kind, String namespace, String name) implements Comparable<ObjectRef> {

    private static final Comparator<ObjectRef> ORDER = Comparator.comparing(ObjectRef::namespace)
            .thenComparing(ObjectRef::name).thenComparing(ObjectRef::kind);

    public static ObjectRef of(HasMetadata object) {
        return new ObjectRef(object.getKind(), ClusterState.namespaceOf(object), object.getMetadata().getName());
    }

    /** A manifest file, for problems that belong to no object. */
    public static ObjectRef file(String path) {
        return new ObjectRef("File", "", path);
    }

    @Override
    public int compareTo(ObjectRef other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return kind.equals("File") ? name : namespace + "/" + name;
    }
}
