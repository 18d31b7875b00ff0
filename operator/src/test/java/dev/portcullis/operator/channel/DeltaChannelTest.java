package dev.portcullis.operator.channel;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDeltaCodec;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.controlplane.ControlPlaneClient;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.KeyMaterial;
import dev.portcullis.dataplane.tls.PemParser;
import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.publish.SnapshotPublisher;
import dev.portcullis.operator.translate.ClusterState;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deltas over the real mutual-TLS channel: a publisher, the channel server and a data plane's
 * control-plane client. A new data plane gets the whole snapshot, then only what changed; one too far
 * behind, with an unknown base, or from another epoch (an operator that restarted) gets the whole
 * snapshot again; and a poll that does not ask for deltas (an older data plane) never gets one.
 */
@EnableKubernetesMockClient(crud = true)
class DeltaChannelTest {

    private static final int INGRESSES = 200;

    KubernetesClient client;

    @TempDir
    Path directory;
    private final AtomicReference<ClusterState> state = new AtomicReference<>();
    private final List<Ingress> ingresses = new ArrayList<>();
    private SnapshotPublisher publisher;
    private ChannelServer channel;
    private OperatorCertificates certificates;
    private Path clientCertificates;
    private DataPlaneServer dataPlane;
    private ControlPlaneClient controlPlane;

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < INGRESSES; i++) {
            ingresses.add(ingress("app-" + i, "backend-" + (i % 7)));
        }
        publishState();
        certificates = OperatorCertificates.loadOrCreate(client, "portcullis", List.of("localhost"), Clock.systemUTC());
        clientCertificates = Files.createDirectories(directory.resolve("client-cert"));
        Secret secret = client.secrets().inNamespace("portcullis").withName(OperatorCertificates.CLIENT_SECRET).get();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(clientCertificates.resolve(key), Base64.getDecoder().decode(secret.getData().get(key)));
        }
        startOperator(0);
        dataPlane = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
    }

    @AfterEach
    void stop() {
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (dataPlane != null) {
            dataPlane.close();
        }
        channel.close();
        if (publisher != null) {
            publisher.close();
        }
    }

    @Test
    void aNewDataPlaneGetsTheWholeSnapshotThenOnlyWhatChanged() throws Exception {
        followOperator();
        await().atMost(Duration.ofSeconds(20)).until(() -> servedVersion() == 1);
        assertThat(metrics()).contains("portcullis_control_plane_updates_total{kind=\"full\"} 1.0")
                .contains("portcullis_control_plane_updates_total{kind=\"delta\"} 0.0");
        double fullBytes = receivedBytes();

        ingresses.add(ingress("added", "backend-added"));
        publishState();
        await().atMost(Duration.ofSeconds(20)).until(() -> servedVersion() == 2);
        assertThat(dataPlane.config().current().hosts().find("added.example.test")).isNotNull();
        assertThat(dataPlane.config().current().clusters()).containsKey("default/backend-added:80");

        ingresses.removeFirst();
        publishState();
        await().atMost(Duration.ofSeconds(20)).until(() -> servedVersion() == 3);
        assertThat(dataPlane.config().current().hosts().findNamed("app-0.example.test")).isNull();
        assertThat(dataPlane.config().current().hosts().find("app-1.example.test")).isNotNull();

        assertThat(metrics()).contains("portcullis_control_plane_updates_total{kind=\"full\"} 1.0")
                .contains("portcullis_control_plane_updates_total{kind=\"delta\"} 2.0");
        double deltaBytes = receivedBytes() - fullBytes;
        System.out.printf("whole snapshot of %d Ingresses: %.0f bytes on the wire; two deltas: %.0f bytes%n",
                INGRESSES, fullBytes, deltaBytes);
        assertThat(deltaBytes).as("two one-Ingress deltas weigh less than the whole snapshot").isLessThan(fullBytes);
    }

    @Test
    void aDataPlaneOfARestartedOperatorGetsTheWholeSnapshot() throws Exception {
        followOperator();
        await().atMost(Duration.ofSeconds(20)).until(() -> servedVersion() == 1);
        ingresses.add(ingress("added", "backend-added"));
        publishState();
        await().atMost(Duration.ofSeconds(20)).until(() -> servedVersion() == 2);

        int port = channel.address().getPort();
        channel.close();
        publisher.close();
        publisher = null;
        ingresses.add(ingress("after-restart", "backend-added"));
        publishState();
        startOperator(port); // versions start again at 1, under a new epoch
        await().atMost(Duration.ofSeconds(30)).until(() -> dataPlane.config().current().hosts()
                .findNamed("after-restart.example.test") != null);
        assertThat(servedVersion()).isEqualTo(1);
        assertThat(metrics()).contains("portcullis_control_plane_updates_total{kind=\"full\"} 2.0")
                .contains("portcullis_control_plane_updates_total{kind=\"delta\"} 1.0");
    }

    @Test
    void aPollTooFarBehindOrFromAnUnknownBaseGetsTheWholeSnapshot() throws Exception {
        HttpClient http = mutualTls();
        HttpResponse<byte[]> first = poll(http, -1, "", true);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
        String epoch = first.headers().firstValue("X-Snapshot-Epoch").orElseThrow();
        Snapshot one = SnapshotCodec.fromJson(gunzip(first.body()));

        ingresses.add(ingress("added", "backend-added"));
        publishState();
        HttpResponse<byte[]> delta = poll(http, 1, epoch, true);
        assertThat(delta.headers().firstValue("Content-Type")).hasValue(SnapshotDelta.MEDIA_TYPE);
        assertThat(delta.headers().firstValue("X-Snapshot-Base")).hasValue("1");
        SnapshotDelta change = SnapshotDeltaCodec.fromJson(gunzip(delta.body()));
        assertThat(change.virtualHosts()).extracting(host -> host.hostname()).containsExactly("added.example.test");
        assertThat(SnapshotDiff.apply(one, change)).isEqualTo(publisher.latest().content());

        assertThat(poll(http, 1, epoch, false).headers().firstValue("Content-Type"))
                .as("a poll that does not ask for deltas").hasValue("application/json");
        assertThat(poll(http, 1, "another-epoch", true).headers().firstValue("Content-Type"))
                .as("a poll from another epoch").hasValue("application/json");
        assertThat(poll(http, 0, epoch, true).headers().firstValue("Content-Type"))
                .as("a base the operator never published").hasValue("application/json");

        for (int i = 0; i < 20; i++) {
            ingresses.add(ingress("more-" + i, "backend-added"));
            publishState();
        }
        long latest = publisher.latest().version();
        assertThat(latest).isEqualTo(22);
        HttpResponse<byte[]> behind = poll(http, 2, epoch, true);
        assertThat(behind.headers().firstValue("Content-Type")).as("20 versions behind").hasValue("application/json");
        assertThat(SnapshotCodec.fromJson(gunzip(behind.body()))).isEqualTo(publisher.latest().content());
        HttpResponse<byte[]> near = poll(http, latest - 5, epoch, true);
        assertThat(near.headers().firstValue("Content-Type")).as("5 versions behind").hasValue(SnapshotDelta.MEDIA_TYPE);
        assertThat(SnapshotDeltaCodec.fromJson(gunzip(near.body())).virtualHosts()).hasSize(5);
    }

    @Test
    void theChannelTellsWhenADataPlaneHasAppliedOneOfItsSnapshots() throws Exception {
        assertThat(channel.dataPlanePolled()).isFalse();
        HttpClient http = mutualTls();
        String epoch = poll(http, -1, "&class=portcullis", true).headers().firstValue("X-Snapshot-Epoch").orElseThrow();
        assertThat(channel.dataPlanePolled()).isTrue();
        assertThat(channel.awaitDataPlaneServing(Duration.ZERO)).as("sent, not applied yet").isFalse();
        poll(http, 1, "another-epoch&class=portcullis", true);
        assertThat(channel.awaitDataPlaneServing(Duration.ZERO)).as("version 1 of another operator's channel").isFalse();

        ingresses.add(ingress("added", "backend-added"));
        publishState();
        poll(http, 1, epoch + "&class=portcullis", true); // the next poll of a data plane that applied version 1
        assertThat(channel.awaitDataPlaneServing(Duration.ZERO)).isTrue();
    }

    @Test
    void aDataPlaneOfNoClassEndsTheWaitAtOnce() throws Exception {
        poll(mutualTls(), -1, "", true); // it waits for the all-classes stream, which the operator builds after the wait
        assertThat(channel.awaitDataPlaneServing(Duration.ZERO)).isTrue();
    }

    @Test
    void aRealDataPlaneIsServingOnceTheChannelSaysSo() throws Exception {
        controlPlane = ControlPlaneClient.start(URI.create("https://localhost:" + channel.address().getPort()),
                "portcullis", clientCertificates, dataPlane.config());
        assertThat(channel.awaitDataPlaneServing(Duration.ofSeconds(20))).isTrue();
        assertThat(servedVersion()).isEqualTo(1);
        assertThat(dataPlane.config().current().hosts().find("app-0.example.test")).isNotNull();
    }

    private void startOperator(int port) throws Exception {
        publisher = new SnapshotPublisher(state::get, Duration.ofMillis(20), Duration.ofMillis(200), Clock.systemUTC(),
                new SimpleMeterRegistry());
        publisher.rebuild();
        channel = ChannelServer.start(new InetSocketAddress("127.0.0.1", port), certificates, publisher,
                Duration.ofSeconds(5), new SimpleMeterRegistry());
    }

    private void followOperator() throws IOException {
        controlPlane = ControlPlaneClient.start(URI.create("https://localhost:" + channel.address().getPort()),
                clientCertificates, dataPlane.config());
    }

    private void publishState() {
        Service web = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build();
        List<Service> services = new ArrayList<>(List.of(web));
        ingresses.stream().map(ingress -> ingress.getSpec().getRules().getFirst().getHttp().getPaths().getFirst()
                        .getBackend().getService().getName()).distinct()
                .map(name -> new ServiceBuilder(web).editMetadata().withName(name).endMetadata().build())
                .forEach(services::add);
        state.set(StandaloneIngressClass.ensure(new ClusterState(List.copyOf(ingresses), List.of(), List.of(),
                services, List.of())));
        if (publisher != null) {
            publisher.rebuild();
        }
    }

    private static Ingress ingress(String name, String service) {
        return new IngressBuilder().withNewMetadata().withName(name).withNamespace("default")
                .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
                .withNewSpec().addNewRule().withHost(name + ".example.test").withNewHttp().addNewPath().withPath("/")
                .withPathType("Prefix").withNewBackend().withNewService().withName(service).withNewPort().withNumber(80)
                .endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build();
    }

    private long servedVersion() {
        var current = dataPlane.config().current();
        return current == null ? -1 : current.version();
    }

    private String metrics() {
        return ((PrometheusMeterRegistry) dataPlane.config().metrics().registry()).scrape();
    }

    private double receivedBytes() {
        return dataPlane.config().metrics().registry().get("portcullis.control.plane.received.bytes").counter().count();
    }

    private HttpResponse<byte[]> poll(HttpClient http, long after, String epoch, boolean deltas) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + channel.address().getPort()
                + "/v1/snapshot?after=" + after + "&epoch=" + epoch)).header("Accept-Encoding", "gzip");
        if (deltas) {
            request.header("Accept", SnapshotDelta.MEDIA_TYPE + ", application/json");
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private HttpClient mutualTls() throws Exception {
        KeyMaterial key = PemParser.parse(Files.readString(clientCertificates.resolve("tls.crt")),
                Files.readString(clientCertificates.resolve("tls.key")));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", key.privateKey(), new char[0], key.chain().toArray(new java.security.cert.Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", certificates.ca().certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }
}
