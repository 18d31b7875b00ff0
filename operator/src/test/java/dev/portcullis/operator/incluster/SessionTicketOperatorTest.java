package dev.portcullis.operator.incluster;

import dev.portcullis.dataplane.config.SessionTicketKey;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.controlplane.ControlPlaneClient;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.operator.tickets.SessionTicketSecret;
import dev.portcullis.operator.tickets.SessionTicketSeed;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static dev.portcullis.dataplane.testsupport.OpensslSessions.connectResuming;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.connectSaving;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.newLine;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.reusedLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator path of session resumption: one operator (fabric8's mock API server) creates the
 * seed Secret in its namespace and feeds two data planes over the mutual-TLS channel; a session
 * made on one resumes on the other, and on a data plane started afterwards, in TLS 1.2 and 1.3.
 * The seed stays in the operator: the snapshot carries only derived keys, and an operator that
 * restarts derives the same ones.
 */
@EnableKubernetesMockClient(crud = true)
class SessionTicketOperatorTest {

    private static final String NAMESPACE = "portcullis";
    private static final String HOST = "shop.example.test";
    private static final CertificateAuthority SITE_CA = CertificateAuthority.create("tickets site CA", KeyType.EC_P256);

    KubernetesClient client;

    @TempDir
    Path directory;

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : running.reversed()) {
            closeable.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
    void twoDataPlanesOfOneOperatorResumeEachOthersSessionsAndAfterADataPlaneRestart() throws Exception {
        OperatorRuntime operator = startOperator();
        Path certificates = clientCertificates();
        site();
        Connected first = connectedDataPlane(operator, certificates);
        Connected second = connectedDataPlane(operator, certificates);

        for (String version : List.of("-tls1_2", "-tls1_3")) {
            Path session = directory.resolve("session" + version + ".pem");
            assertThat(connectSaving(first.httpsPort(), HOST, version, session)).contains(newLine(version));
            assertThat(connectResuming(second.httpsPort(), HOST, version, session)).contains(reusedLine(version));
        }

        running.remove(first);
        first.close();
        Connected restarted = connectedDataPlane(operator, certificates);
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            assertThat(connectResuming(restarted.httpsPort(), HOST, version, directory.resolve("session" + version + ".pem")))
                    .as("a data plane started afterwards").contains(reusedLine(version));
        }
    }

    @Test
    void theSeedStaysInTheOperatorAndARestartedOperatorDerivesTheSameKeys() throws Exception {
        OperatorRuntime operator = startOperator();
        site();
        Snapshot before = await().atMost(Duration.ofSeconds(20)).until(() -> download(operator),
                snapshot -> snapshot != null && !snapshot.virtualHosts().isEmpty());
        Secret secret = client.secrets().inNamespace(NAMESPACE).withName(SessionTicketSecret.NAME).get();
        SessionTicketSeed seed = SessionTicketSecret.parse(secret);
        long index = seed.index(java.time.Instant.now());
        assertThat(before.sessionTicketKeys()).hasSize(SessionTicketSeed.PREVIOUS_KEYS + 1);
        assertThat(List.of(seed.key(index), seed.key(index - 1))).as("derived from the Secret's seed")
                .contains(before.sessionTicketKeys().getFirst());
        String json = SnapshotCodec.toJson(before);
        assertThat(json).doesNotContain(Base64.getEncoder().encodeToString(seed.seed()));
        assertThat(operator.scrapeMetrics()).doesNotContain(Base64.getEncoder().encodeToString(before.sessionTicketKeys().getFirst().aesKey()));

        running.remove(operator);
        operator.close();
        OperatorRuntime restarted = startOperator();
        Snapshot after = await().atMost(Duration.ofSeconds(20)).until(() -> download(restarted),
                snapshot -> snapshot != null && !snapshot.virtualHosts().isEmpty());
        // Across an hour boundary the list moves by one key; the sealing key of before is in it either way.
        assertThat(after.sessionTicketKeys()).contains(before.sessionTicketKeys().getFirst());
        assertThat(client.secrets().inNamespace(NAMESPACE).withName(SessionTicketSecret.NAME).get().getData())
                .as("the restarted operator kept the seed").isEqualTo(secret.getData());
    }

    private OperatorRuntime startOperator() throws Exception {
        OperatorRuntime operator = OperatorRuntime.start(client, new OperatorSettings(NAMESPACE, "portcullis-operator", "127.0.0.1", 0,
                "portcullis-dataplane", "203.0.113.10", false, false, false, Duration.ofMillis(50), Duration.ofMillis(300),
                Duration.ofSeconds(2)));
        running.add(operator);
        return operator;
    }

    private Path clientCertificates() throws Exception {
        Path certificates = Files.createDirectories(directory.resolve("client-cert"));
        Secret clientSecret = client.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(certificates.resolve(key), Base64.getDecoder().decode(clientSecret.getData().get(key)));
        }
        return certificates;
    }

    /** A data plane and its channel to the operator: a replica of the DataPlane. */
    private record Connected(DataPlaneServer server, ControlPlaneClient channel) implements AutoCloseable {
        int httpsPort() {
            return server.httpsAddress().getPort();
        }

        @Override
        public void close() {
            channel.close();
            server.close();
        }
    }

    private Connected connectedDataPlane(OperatorRuntime operator, Path certificates) throws Exception {
        DataPlaneServer dataPlane = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
        Connected connected;
        try {
            connected = new Connected(dataPlane, ControlPlaneClient.start(
                    URI.create("https://localhost:" + operator.channelAddress().getPort()), certificates, dataPlane.config()));
        } catch (Exception e) {
            dataPlane.close();
            throw e;
        }
        running.add(connected);
        await().atMost(Duration.ofSeconds(20)).until(() -> dataPlane.config().current() != null
                && dataPlane.config().current().hosts().findNamed(HOST) != null);
        return connected;
    }

    private void site() {
        IssuedCertificate certificate = SITE_CA.issueServer(List.of(HOST), KeyType.EC_P256);
        client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("shop-tls").endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", base64(certificate.chainPem()), "tls.key", base64(certificate.privateKeyPem())))
                .build()).createOr(existing -> existing.update());
        if (client.network().v1().ingressClasses().withName("portcullis").get() == null) {
            client.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata().withName("portcullis").endMetadata()
                    .withNewSpec().withController("portcullis.dev/ingress-controller").endSpec().build()).create();
        }
        client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder().withNewMetadata().withName("shop").endMetadata()
                .withNewSpec().withIngressClassName("portcullis")
                .addNewTl().withHosts(HOST).withSecretName("shop-tls").endTl()
                .addNewRule().withHost(HOST).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName("web").withNewPort().withName("http").endPort().endService().endBackend()
                .endPath().endHttp().endRule()
                .endSpec().build()).createOr(existing -> existing.update());
    }

    private static Snapshot download(OperatorRuntime operator) throws Exception {
        var latest = operator.publisher().latest();
        if (latest == null) {
            return null;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(latest.gzippedJson()))) {
            return SnapshotCodec.fromJson(in.readAllBytes());
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
