package dev.portcullis.e2e;

import com.marcnuri.helm.Helm;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.deploy.DataPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart on a real cluster (k3s in a container): the images of {@code ./mvnw -Pimages verify}
 * imported into k3s's containerd, `helm install` with the chart's own image names, then an Ingress
 * served through the data plane. Needs a Docker engine (and the internet for the k3s image); without one it is skipped, and reported so.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sClusterTest {

    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    @Test
    void helmInstallThenAnIngressIsServed() throws Exception {
        importImage(Path.of("../operator/target/portcullis-operator-image.tar"));
        importImage(Path.of("../dataplane/target/portcullis-dataplane-image.tar"));
        importImage(Path.of("../dataplane/target/portcullis-test-echo-image.tar"));
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
            new Helm(Path.of("../charts/portcullis")).install().withName("portcullis").withNamespace("portcullis")
                    .createNamespace().withKubeConfigContents(K3S.getKubeConfigYaml())
                    .set("operator.image.pullPolicy", "Never").set("dataPlane.image.pullPolicy", "Never")
                    .set("dataPlane.replicas", 1).set("operator.replicas", 1)
                    .call();
            await().atMost(Duration.ofMinutes(5)).ignoreExceptions().until(() -> {
                DataPlane dataPlane = client.resources(DataPlane.class).inNamespace("portcullis").withName("portcullis").get();
                return dataPlane.getStatus() != null && dataPlane.getStatus().readyReplicas != null
                        && dataPlane.getStatus().readyReplicas >= 1;
            });

            CertificateAuthority ca = CertificateAuthority.create("k3s CA", KeyType.EC_P256);
            IssuedCertificate site = ca.issueServer(java.util.List.of("app.example.test"), KeyType.EC_P256);
            apply(client, """
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: shop}
                    ---
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: whoami, namespace: shop}
                    spec:
                      replicas: 2
                      selector: {matchLabels: {app: whoami}}
                      template:
                        metadata: {labels: {app: whoami}}
                        spec:
                          containers: [{name: whoami, image: "ghcr.io/portcullis/portcullis-test-echo:0.1.0",
                                        imagePullPolicy: Never, ports: [{name: http, containerPort: 8080}]}]
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: whoami, namespace: shop}
                    spec:
                      selector: {app: whoami}
                      ports: [{name: http, port: 80, targetPort: http}]
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: app-tls, namespace: shop}
                    type: kubernetes.io/tls
                    data: {tls.crt: %s, tls.key: %s}
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata: {name: app, namespace: shop}
                    spec:
                      ingressClassName: portcullis
                      tls: [{hosts: [app.example.test], secretName: app-tls}]
                      rules:
                      - host: app.example.test
                        http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: whoami, port: {name: http}}}}]}
                    """.formatted(base64(site.chainPem()), base64(site.privateKeyPem())));

            try (LocalPortForward forward = client.services().inNamespace("portcullis").withName("portcullis-dataplane")
                    .portForward(443)) {
                HttpClient https = TestClients.trusting(ca);
                await().atMost(Duration.ofMinutes(3)).ignoreExceptions().until(() -> https.send(HttpRequest.newBuilder(
                                URI.create("https://app.example.test:" + forward.getLocalPort() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("backend: whoami-"));
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                var ingress = client.network().v1().ingresses().inNamespace("shop").withName("app").get();
                return ingress.getStatus() != null && ingress.getStatus().getLoadBalancer() != null
                        && ingress.getStatus().getLoadBalancer().getIngress() != null
                        && !ingress.getStatus().getLoadBalancer().getIngress().isEmpty();
            });
            assertThat(client.apps().deployments().inNamespace("portcullis").withName("portcullis-dataplane").get()
                    .getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
        }
    }

    /** Imports an image tarball into k3s's containerd, as {@code k3s ctr images import} does. */
    private static void importImage(Path tarball) throws Exception {
        assertThat(tarball).as("built by ./mvnw -Pimages verify").exists();
        String file = "/tmp/" + tarball.getFileName();
        K3S.copyFileToContainer(Transferable.of(java.nio.file.Files.readAllBytes(tarball)), file);
        var result = K3S.execInContainer("ctr", "-n", "k8s.io", "images", "import", file);
        assertThat(result.getExitCode()).as(result.getStderr()).isZero();
    }

    private static void apply(KubernetesClient client, String yaml) {
        for (HasMetadata object : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
            client.resource(object).createOr(existing -> existing.update());
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
