import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark's Kubernetes objects, as Ingresses in a cluster look: each TLS Ingress with its own
 * certificate Secret (ECDSA P-256, issued by a CA made at bench time), its own Service and an
 * EndpointSlice naming the echo backend in the benchmark's network namespace.
 */
final class ClusterObjects {

    static final String APPS = "apps";
    static final String CLASS = "portcullis";
    static final String DOMAIN = ".cp.bench.test";
    static final int PORT_A = 8080;
    static final int PORT_B = 8081;
    /** The Service an edit switches an Ingress to: the other backend, so the edit shows in the answer. */
    static final String ALTERNATE_SERVICE = "svc-alternate";

    private final KubernetesClient client;
    private final CertificateAuthority ca = CertificateAuthority.create("cp-bench", CertificateAuthority.KeyType.EC_P256);
    private final String backendAddress;

    ClusterObjects(KubernetesClient client, String backendAddress) {
        this.client = client;
        this.backendAddress = backendAddress;
    }

    CertificateAuthority ca() {
        return ca;
    }

    static String host(String name) {
        return name + DOMAIN;
    }

    void createNamespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    /** Ingress {@code name} (host {@code name.cp.bench.test}) with Secret tls-NAME, Service svc-NAME and its EndpointSlice. */
    List<HasMetadata> ingressWithAll(String name) {
        return List.of(secret(name), service("svc-" + name), slice("svc-" + name, PORT_A), ingress(name, "svc-" + name));
    }

    List<HasMetadata> alternateBackend() {
        return List.of(service(ALTERNATE_SERVICE), slice(ALTERNATE_SERVICE, PORT_B));
    }

    /** Creates every object, {@code parallel} requests in flight; each list in order. */
    static void createAll(KubernetesClient client, List<List<HasMetadata>> groups, int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<HasMetadata> group : groups) {
                done.add(pool.submit(() -> {
                    for (HasMetadata object : group) {
                        client.resource(object).create();
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    Secret secret(String name) {
        IssuedCertificate certificate = ca.issueServer(List.of(host(name)), CertificateAuthority.KeyType.EC_P256);
        return new SecretBuilder().withNewMetadata().withName("tls-" + name).withNamespace(APPS).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", base64(certificate.chainPem()), "tls.key", base64(certificate.privateKeyPem())))
                .build();
    }

    Service service(String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(APPS).endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).withNewTargetPort("http").endPort().endSpec()
                .build();
    }

    EndpointSlice slice(String service, int port) {
        return new EndpointSliceBuilder().withNewMetadata().withName(service + "-1").withNamespace(APPS)
                .withLabels(Map.of("kubernetes.io/service-name", service, "endpointslice.kubernetes.io/managed-by", "cp-bench"))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses(backendAddress).withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
                .build();
    }

    Ingress ingress(String name, String service) {
        return new IngressBuilder().withNewMetadata().withName(name).withNamespace(APPS).endMetadata()
                .withNewSpec().withIngressClassName(CLASS)
                .addNewTl().withHosts(host(name)).withSecretName("tls-" + name).endTl()
                .addNewRule().withHost(host(name)).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName(service).withNewPort().withNumber(80).endPort().endService()
                .endBackend().endPath().endHttp().endRule()
                .endSpec().build();
    }

    /** Points Ingress {@code name} at the alternate Service (the other backend). */
    void switchBackend(String name) {
        client.network().v1().ingresses().inNamespace(APPS).withName(name).edit(ingress -> {
            ingress.getSpec().getRules().getFirst().getHttp().getPaths().getFirst().getBackend().getService()
                    .setName(ALTERNATE_SERVICE);
            return ingress;
        });
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
