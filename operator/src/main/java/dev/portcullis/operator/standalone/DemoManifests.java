package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.translate.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.List;
import java.util.Map;

/**
 * The demo's generated manifests (Services and EndpointSlices for the echo backends, TLS and CA
 * Secrets), built with fabric8's model and written as YAML documents: ordinary Kubernetes objects.
 */
final class DemoManifests {

    private DemoManifests() {
    }

    /** YAML documents, one per object, each starting with {@code ---}. */
    static String yaml(List<? extends HasMetadata> objects) {
        StringBuilder yaml = new StringBuilder();
        for (HasMetadata object : objects) {
            String document = Serialization.asYaml(object);
            yaml.append(document.startsWith("---") ? document : "---\n" + document);
        }
        return yaml.toString();
    }

    static HasMetadata service(String name, String portName, int port) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ClusterState.DEFAULT_NAMESPACE).endMetadata()
                .withNewSpec().addNewPort().withName(portName).withPort(port).withTargetPort(new IntOrString(portName))
                .endPort().endSpec().build();
    }

    /** Each echo backend listens on its own port, so each has its own EndpointSlice (a slice's ports apply to all of its endpoints). */
    static HasMetadata slice(String service, String portName, EchoBackend backend) {
        return new EndpointSliceBuilder().withNewMetadata().withName(service + "-" + backend.name())
                .withNamespace(ClusterState.DEFAULT_NAMESPACE).withLabels(Map.of(ClusterState.SERVICE_NAME_LABEL, service))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName(portName).withPort(backend.address().getPort()).endPort()
                .addNewEndpoint().withAddresses(backend.address().getAddress().getHostAddress())
                .withNewConditions().withReady(true).endConditions().endEndpoint()
                .build();
    }

    static HasMetadata tlsSecret(String name, IssuedCertificate certificate) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(ClusterState.DEFAULT_NAMESPACE).endMetadata()
                .withType("kubernetes.io/tls")
                .withStringData(Map.of("tls.crt", certificate.chainPem(), "tls.key", certificate.privateKeyPem())).build();
    }

    static HasMetadata caSecret(String name, CertificateAuthority ca) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(ClusterState.DEFAULT_NAMESPACE).endMetadata()
                .withStringData(Map.of("ca.crt", ca.certificatePem())).build();
    }
}
