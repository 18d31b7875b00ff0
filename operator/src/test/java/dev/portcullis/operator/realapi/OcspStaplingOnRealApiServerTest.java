package dev.portcullis.operator.realapi;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import dev.portcullis.operator.ocsp.OcspTestCa;
import dev.portcullis.operator.ocsp.TestOcspResponder;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OCSP stapling in a cluster (a real kube-apiserver): the operator fetches the response for a
 * Secret's certificate, the snapshot it serves data planes carries it, and a revoked certificate
 * is a Warning Event on the Ingress that the server accepts.
 */
@RealApiServerTest
class OcspStaplingOnRealApiServerTest {

    static RealApiServer server;

    private static final OcspTestCa CA = OcspTestCa.create("cluster OCSP CA");
    private static final String HOST = "stapled.example.test";

    private KubernetesClient admin;
    private KubernetesClient operatorClient;
    private OperatorRuntime operator;
    private TestOcspResponder responder;
    private String apps;

    @BeforeEach
    void start() throws Exception {
        admin = server.adminClient();
        String namespace = "portcullis-" + UUID.randomUUID().toString().substring(0, 6);
        apps = "ocsp-" + UUID.randomUUID().toString().substring(0, 6);
        for (String name : List.of(namespace, apps)) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
        RealApiServer.installCrds(admin, java.nio.file.Path.of("../crds/dataplanes.portcullis.dev-v1.yml"));
        if (admin.network().v1().ingressClasses().withName("portcullis").get() == null) {
            admin.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata().withName("portcullis")
                    .endMetadata().withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        }
        responder = TestOcspResponder.start(CA.asSigner(), Clock.systemUTC());
        responder.answer(TestOcspResponder.Answer.REVOKED);
        operatorClient = server.operatorClient();
        operator = OperatorRuntime.start(operatorClient, new OperatorSettings(namespace, "portcullis-operator", "127.0.0.1", 0,
                "portcullis-dataplane", null, true, false, false, Duration.ofMillis(50), Duration.ofMillis(300),
                Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        if (operator != null) {
            operator.close();
        }
        responder.close();
        operatorClient.close();
        admin.close();
    }

    @Test
    void theServedSnapshotCarriesTheStapleAndARevokedCertificateIsAWarningEvent() throws Exception {
        IssuedCertificate certificate = CA.issueServer(List.of(HOST), responder.url());
        admin.secrets().inNamespace(apps).resource(new SecretBuilder().withNewMetadata().withName("stapled-tls").endMetadata()
                .withType("kubernetes.io/tls").withStringData(Map.of("tls.crt", certificate.chainPem(),
                        "tls.key", certificate.privateKeyPem())).build()).create();
        admin.network().v1().ingresses().inNamespace(apps).resource(new IngressBuilder().withNewMetadata().withName("stapled")
                .endMetadata().withNewSpec().withIngressClassName("portcullis")
                .addNewTl().withHosts(HOST).withSecretName("stapled-tls").endTl()
                .addNewRule().withHost(HOST).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService().endBackend()
                .endPath().endHttp().endRule().endSpec().build()).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> warnings().stream()
                .anyMatch(event -> "OcspCertificateRevoked".equals(event.getReason())));
        Snapshot served = download();
        String name = served.virtualHosts().stream().filter(host -> host.hostname().equals(HOST)).findFirst().orElseThrow().certificate();
        TlsCertificate stapled = served.certificates().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        assertThat(stapled.ocspResponse()).as("the snapshot data planes download carries the staple").isNotNull();
        assertThat(operator.scrapeMetrics()).contains("portcullis_operator_ocsp_staples{status=\"revoked\"} 1.0");
        assertThat(responder.requests()).as("one fetch for every data plane").isEqualTo(1);
    }

    private Snapshot download() throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(operator.publisher().latest().gzippedJson()))) {
            return SnapshotCodec.fromJson(in.readAllBytes());
        }
    }

    private List<Event> warnings() {
        return admin.v1().events().inNamespace(apps).list().getItems().stream()
                .filter(event -> "Warning".equals(event.getType()) && "stapled".equals(event.getInvolvedObject().getName()))
                .toList();
    }
}
