package dev.portcullis.operator.realapi;

import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only a real API server checks: the DataPlane CRD's schema, and optimistic-locking conflicts between replicas. */
@RealApiServerTest
class ApiServerContractsTest {

    static RealApiServer server;
    static KubernetesClient admin;

    @BeforeAll
    static void installCrd() throws Exception {
        admin = server.adminClient();
        RealApiServer.installCrds(admin, Path.of("../crds/dataplanes.portcullis.dev-v1.yml"));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("edge").endMetadata().build()).create();
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void theCrdRefusesAFieldOfTheWrongType() {
        assertThatThrownBy(() -> create("typed", "replicas: two", FieldValidateable.Validation.STRICT))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.replicas");
                });
    }

    @Test
    void theCrdRefusesAnUnknownFieldUnderStrictValidationAndPrunesItOtherwise() {
        assertThatThrownBy(() -> create("strict", "replicaz: 2", FieldValidateable.Validation.STRICT))
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains("unknown field").contains("replicaz"));

        create("lenient", "replicaz: 2", FieldValidateable.Validation.IGNORE);
        var stored = admin.genericKubernetesResources("portcullis.dev/v1alpha1", "DataPlane").inNamespace("edge")
                .withName("lenient").get();
        assertThat(stored.getAdditionalProperties().get("spec").toString()).doesNotContain("replicaz");
    }

    @Test
    void theCrdAcceptsAWellFormedDataPlane() {
        create("good", "replicas: 2\n  tls: {minVersion: \"1.3\"}", FieldValidateable.Validation.STRICT);
        assertThat(admin.genericKubernetesResources("portcullis.dev/v1alpha1", "DataPlane").inNamespace("edge")
                .withName("good").get()).isNotNull();
    }

    @Test
    void replicasStartingTogetherShareOneCaAndOneClientCertificate() throws Exception {
        String namespace = "race";
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        int replicas = 4;
        List<Callable<OperatorCertificates>> starts = new ArrayList<>();
        List<KubernetesClient> clients = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            KubernetesClient client = server.operatorClient();
            clients.add(client);
            starts.add(() -> OperatorCertificates.loadOrCreate(client, namespace, List.of("portcullis-operator"),
                    Clock.systemUTC()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<OperatorCertificates> started = new ArrayList<>();
            for (Future<OperatorCertificates> future : pool.invokeAll(starts)) {
                started.add(future.get());
            }
            Secret ca = admin.secrets().inNamespace(namespace).withName(OperatorCertificates.CA_SECRET).get();
            String caPem = new String(Base64.getDecoder().decode(ca.getData().get("ca.crt")), StandardCharsets.UTF_8);
            assertThat(started).as("every replica uses the CA that won the race")
                    .allSatisfy(certificates -> assertThat(certificates.ca().certificatePem()).isEqualTo(caPem));
            Secret client = admin.secrets().inNamespace(namespace).withName(OperatorCertificates.CLIENT_SECRET).get();
            assertThat(new String(Base64.getDecoder().decode(client.getData().get("ca.crt")), StandardCharsets.UTF_8))
                    .isEqualTo(caPem);
        } finally {
            pool.shutdownNow();
            clients.forEach(KubernetesClient::close);
        }
    }

    private void create(String name, String specLines, FieldValidateable.Validation validation) {
        String yaml = """
                apiVersion: portcullis.dev/v1alpha1
                kind: DataPlane
                metadata: {name: %s, namespace: edge}
                spec:
                  %s
                """.formatted(name, specLines);
        admin.resource(admin.getKubernetesSerialization().unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)).fieldValidation(validation).create();
    }
}
