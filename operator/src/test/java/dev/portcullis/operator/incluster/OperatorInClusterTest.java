package dev.portcullis.operator.incluster;

import dev.portcullis.dataplane.controlplane.ControlPlaneClient;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.SteadyLoad;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import dev.portcullis.operator.certificates.OperatorCertificates;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The operator against fabric8's mock API server (CRUD mode) with a real in-process data plane on
 * real sockets, connected over the mutual-TLS snapshot channel.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorInClusterTest {

    private static final String NAMESPACE = "portcullis";
    private static final CertificateAuthority SITE_CA = CertificateAuthority.create("site CA", KeyType.EC_P256);

    KubernetesClient client;

    @TempDir
    Path directory;
    private final List<EchoBackend> backends = new ArrayList<>();
    private OperatorRuntime operator;
    private DataPlaneServer dataPlane;
    private ControlPlaneClient channel;
    private HttpClient https;

    @BeforeEach
    void start() throws Exception {
        operator = startOperator();
        Path certificates = Files.createDirectories(directory.resolve("client-cert"));
        Secret clientSecret = client.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(certificates.resolve(key), Base64.getDecoder().decode(clientSecret.getData().get(key)));
        }
        dataPlane = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
        channel = ControlPlaneClient.start(URI.create("https://localhost:" + operator.channelAddress().getPort()),
                certificates, dataPlane.config());
        await().atMost(Duration.ofSeconds(20)).until(() -> dataPlane.config().ready());
        https = TestClients.trusting(SITE_CA);
        backends.add(EchoBackend.start("web-1", "127.0.0.1", 0));
        backends.add(EchoBackend.start("web-2", "127.0.0.1", 0));
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).withNewTargetPort("http").endPort().endSpec().build()).create();
        slice("web-1", backends.get(0));
        slice("web-2", backends.get(1));
    }

    private OperatorRuntime startOperator() throws Exception {
        return OperatorRuntime.start(client, new OperatorSettings(NAMESPACE, "portcullis-operator", "127.0.0.1", 0,
                "portcullis-dataplane", "203.0.113.10", false, false, false, Duration.ofMillis(50), Duration.ofMillis(300),
                Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
        if (dataPlane != null) {
            dataPlane.close();
        }
        if (operator != null) {
            operator.close();
        }
        backends.forEach(EchoBackend::close);
    }

    @Test
    void anAppliedIngressIsServed() throws Exception {
        IssuedCertificate certificate = SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256);
        tlsSecret("shop-tls", certificate);
        ingress("shop", "shop.example.test", "shop-tls", null);

        HttpResponse<String> response = awaitServed("shop.example.test");
        assertThat(response.body()).containsPattern("backend: web-[12]");
        assertThat(((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber())
                .isEqualTo(certificate.leaf().getSerialNumber());
        assertThat(operator.scrapeMetrics()).contains("portcullis_operator_reconciles_total")
                .contains("portcullis_operator_snapshot_version").contains("portcullis_operator_dataplanes_connected");
    }

    @Test
    void aRotatedSecretIsServedWithoutAFailedRequest() throws Exception {
        tlsSecret("shop-tls", SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256));
        ingress("shop", "shop.example.test", "shop-tls", null);
        awaitServed("shop.example.test");
        IssuedCertificate rotated = SITE_CA.issueServer(List.of("shop.example.test"), KeyType.RSA_2048);

        List<String> failures = underLoad(() -> {
            tlsSecret("shop-tls", rotated);
            await().atMost(Duration.ofSeconds(15)).until(() -> servedSerial("shop.example.test")
                    .equals(rotated.leaf().getSerialNumber()));
        }, "shop.example.test");
        assertThat(failures).isEmpty();
    }

    @Test
    void scalingEndpointsUpAndDownUnderLoadLosesNothing() throws Exception {
        tlsSecret("shop-tls", SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256));
        ingress("shop", "shop.example.test", "shop-tls", null);
        awaitServed("shop.example.test");
        EchoBackend third = EchoBackend.start("web-3", "127.0.0.1", 0);
        backends.add(third);

        List<String> failures = underLoad(() -> {
            slice("web-3", third);
            await().atMost(Duration.ofSeconds(15)).until(() -> get("shop.example.test").body().contains("backend: web-3"));
            long before = dataPlane.config().current().version();
            client.discovery().v1().endpointSlices().inNamespace("shop").withName("web-web-1").delete();
            await().atMost(Duration.ofSeconds(15)).until(() -> dataPlane.config().current().version() > before);
        }, "shop.example.test");
        assertThat(failures).isEmpty();
        for (int i = 0; i < 10; i++) {
            assertThat(get("shop.example.test").body()).doesNotContain("backend: web-1");
        }
    }

    @Test
    void aDeletedIngressAnswers404() throws Exception {
        tlsSecret("shop-tls", SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256));
        ingress("shop", "shop.example.test", "shop-tls", null);
        awaitServed("shop.example.test");

        client.network().v1().ingresses().inNamespace("shop").withName("shop").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("shop.example.test").statusCode() == 404);
    }

    @Test
    void aMalformedSecretLeavesTheOtherHostsServed() throws Exception {
        tlsSecret("shop-tls", SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256));
        ingress("shop", "shop.example.test", "shop-tls", null);
        client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("blog-tls").endMetadata()
                .withType("kubernetes.io/tls").withStringData(Map.of("tls.crt", "garbage", "tls.key", "garbage")).build()).create();
        ingress("blog", "blog.example.test", "blog-tls", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> operator.publisher().latest().translation().problems().stream()
                .anyMatch(problem -> problem.reason().equals("SecretInvalid") && problem.object().name().equals("blog")));
        assertThat(awaitServed("shop.example.test").statusCode()).isEqualTo(200);
    }

    @Test
    void theDataPlaneKeepsServingWhileTheOperatorIsAwayAndFollowsItBack() throws Exception {
        tlsSecret("shop-tls", SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256));
        ingress("shop", "shop.example.test", "shop-tls", null);
        awaitServed("shop.example.test");
        int channelPort = operator.channelAddress().getPort();

        List<String> failures = underLoad(() -> {
            operator.close();
            operator = null;
            Thread.sleep(1500);
        }, "shop.example.test");
        assertThat(failures).isEmpty();

        ingress("blog", "blog.example.test", "shop-tls", null); // made while the operator is away
        assertThat(getPlain("blog.example.test").statusCode()).isEqualTo(404);
        operator = OperatorRuntime.start(client, new OperatorSettings(NAMESPACE, "portcullis-operator", "127.0.0.1",
                channelPort, "portcullis-dataplane", "203.0.113.10", false, false, false, Duration.ofMillis(50),
                Duration.ofMillis(300), Duration.ofSeconds(2)));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            // A host with TLS answers plain HTTP with a redirect once it is served.
            return getPlain("blog.example.test").statusCode() == 308;
        });
    }

    @Test
    void aDataPlaneWithACertificateFromAnotherCaIsRefused() throws Exception {
        CertificateAuthority stranger = CertificateAuthority.create("stranger CA", KeyType.EC_P256);
        IssuedCertificate impostor = stranger.issue(List.of("portcullis-dataplane"), KeyType.EC_P256,
                java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(3600),
                org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth);
        Path impostorDir = Files.createDirectories(directory.resolve("impostor"));
        Files.writeString(impostorDir.resolve("tls.crt"), impostor.chainPem());
        Files.writeString(impostorDir.resolve("tls.key"), impostor.privateKeyPem());
        Files.copy(directory.resolve("client-cert").resolve("ca.crt"), impostorDir.resolve("ca.crt"));
        try (DataPlaneServer other = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
             ControlPlaneClient impostorClient = ControlPlaneClient.start(
                     URI.create("https://localhost:" + operator.channelAddress().getPort()), impostorDir, other.config())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> impostorClient.failedPolls() >= 2);
            assertThat(other.config().ready()).as("an impostor gets no snapshot").isFalse();
        }
        HttpClient noCertificate = HttpClient.newBuilder().sslContext(javax.net.ssl.SSLContext.getDefault()).build();
        assertThatThrownBy(() -> noCertificate.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + operator.channelAddress().getPort() + "/v1/snapshot")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void aDataPlaneOfOneClassGetsThatClassOnlyAndItsDefaultCertificate() throws Exception {
        client.network().v1().ingressClasses().resource(new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
                .withNewMetadata().withName("internal").endMetadata()
                .withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        tlsSecret("shop-tls", SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256));
        ingress("shop", "shop.example.test", "shop-tls", null);
        ingress("blog", "blog.example.test", "shop-tls", "internal");
        IssuedCertificate fallback = SITE_CA.issueServer(List.of("fallback.example.test"), KeyType.EC_P256);
        client.secrets().inNamespace("edge").resource(new SecretBuilder().withNewMetadata().withName("fallback-tls").endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", base64(fallback.chainPem()), "tls.key", base64(fallback.privateKeyPem()))).build()).create();
        dev.portcullis.operator.deploy.DataPlane edge = new dev.portcullis.operator.deploy.DataPlane();
        edge.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("edge").withNamespace("edge").build());
        edge.setSpec(new dev.portcullis.operator.deploy.DataPlaneSpec());
        edge.getSpec().ingressClassName = "portcullis";
        edge.getSpec().tls.defaultCertificateSecret = "fallback-tls";
        client.resource(edge).create();

        try (DataPlaneServer classOnly = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
             ControlPlaneClient ignored = ControlPlaneClient.start(URI.create("https://localhost:" + operator.channelAddress().getPort()),
                     "portcullis", directory.resolve("client-cert"), classOnly.config())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> classOnly.config().current() != null
                    && classOnly.config().current().hosts().findNamed("shop.example.test") != null
                    && classOnly.config().current().hosts().findNamed("blog.example.test") == null);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                var current = classOnly.config().current();
                return current.certificateExpiries().stream().anyMatch(row -> row.host().equals("_default")
                        && row.certificate().equals("edge/fallback-tls"));
            });
        }
        // The data plane of all classes still serves both.
        await().atMost(Duration.ofSeconds(20)).until(() -> dataPlane.config().current().hosts().findNamed("blog.example.test") != null);
    }

    // --- helpers

    /** Runs the action while two clients send a steady stream of requests; returns every failure. */
    private List<String> underLoad(SteadyLoad.Action action, String host) throws Exception {
        return SteadyLoad.during(2, () -> TestClients.trusting(SITE_CA), url(host, "/load"), action);
    }

    private HttpResponse<String> awaitServed(String host) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> get(host).statusCode() == 200);
        try {
            return get(host);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> get(String host) throws IOException, InterruptedException {
        return https.send(HttpRequest.newBuilder(url(host, "/")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> getPlain(String host) throws IOException, InterruptedException {
        return https.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + dataPlane.httpAddress().getPort() + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** On a new connection: a kept-alive one still shows the certificate it was opened with. */
    private java.math.BigInteger servedSerial(String host) throws IOException, InterruptedException {
        HttpResponse<String> response = TestClients.trusting(SITE_CA).send(HttpRequest.newBuilder(url(host, "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    private URI url(String host, String path) {
        return URI.create("https://" + host + ":" + dataPlane.httpsAddress().getPort() + path);
    }

    private void slice(String name, EchoBackend backend) {
        client.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder()
                .withNewMetadata().withName("web-" + name).withLabels(Map.of("kubernetes.io/service-name", "web")).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(backend.address().getPort()).endPort()
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true).endConditions().endEndpoint()
                .build()).createOr(existing -> existing.update());
    }

    private void tlsSecret(String name, IssuedCertificate certificate) {
        client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", base64(certificate.chainPem()), "tls.key", base64(certificate.privateKeyPem())))
                .build()).createOr(existing -> existing.update());
    }

    private void ingress(String name, String host, String secret, String className) {
        IngressBuilder ingress = new IngressBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withIngressClassName(className == null ? "portcullis" : className)
                .addNewTl().withHosts(host).withSecretName(secret).endTl()
                .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withName("http").endPort().endService().endBackend()
                .endPath().endHttp().endRule()
                .endSpec();
        if (client.network().v1().ingressClasses().withName("portcullis").get() == null) {
            client.network().v1().ingressClasses().resource(new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
                    .withNewMetadata().withName("portcullis").endMetadata()
                    .withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        }
        client.network().v1().ingresses().inNamespace("shop").resource(ingress.build()).createOr(existing -> existing.update());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
