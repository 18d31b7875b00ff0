package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.FaultyPod;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Active checks run by the data plane against real pods: an HTTP check takes a pod out of
 * balancing while its health path fails and puts it back once it passes again; a TLS handshake
 * check on a passthrough cluster tells a pod that speaks TLS from one that does not. The test
 * drives each pod's health and waits on the number of checks the pod (or the data plane) counted.
 */
class ActiveHealthCheckTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void httpCheckTakesAFailingPodOutAndBringsItBack() throws Exception {
        try (FaultyPod flaky = FaultyPod.start("flaky"); FaultyPod steady = FaultyPod.start("steady")) {
            HealthCheck check = new HealthCheck(HealthCheck.Kind.HTTP, "/healthz", 200, 299, 30, 1_000, 2, 2);
            Cluster cluster = new Cluster("pods", List.of(Endpoint.ready("127.0.0.1", flaky.port()),
                    Endpoint.ready("127.0.0.1", steady.port()))).withHealth(check, OutlierDetection.OFF, RetryPolicy.OFF);
            try (TestDataPlane dataPlane = TestDataPlane.serving(new Snapshot(1,
                    List.of(host("health.example.test", null, prefix("/", "pods"))), List.of(cluster), List.of(), null))) {
                ClusterHealth health = dataPlane.server().config().health().cluster("pods");
                InetSocketAddress flakyAddress = new InetSocketAddress("127.0.0.1", flaky.port());

                flaky.healthStatus.set(503);
                awaitChecks(flaky, 3); // two failing in a row, and one that may have been under way
                assertThat(health.usable(flakyAddress)).isFalse();
                assertThat(admin(dataPlane, "/debug/endpoints")).contains("\"failing-checks\"").contains("answered 503");
                int flakySeen = flaky.requests.get();
                for (int i = 0; i < 6; i++) {
                    assertThat(get(dataPlane).body()).startsWith("steady ");
                }
                assertThat(flaky.requests.get()).as("requests the failing pod saw").isEqualTo(flakySeen);

                flaky.healthStatus.set(200);
                awaitChecks(flaky, 3);
                assertThat(health.usable(flakyAddress)).isTrue();
                for (int i = 0; i < 4; i++) {
                    get(dataPlane);
                }
                assertThat(flaky.requests.get() - flakySeen).as("requests the recovered pod saw").isEqualTo(2);
                assertThat(steady.healthChecks.get()).isPositive();
            }
        }
    }

    @Test
    void tlsHandshakeCheckOnAPassthroughCluster() throws Exception {
        CertificateAuthority podCa = CertificateAuthority.create("pods CA", KeyType.EC_P256);
        IssuedCertificate podCertificate = podCa.issueServer(List.of("secure.example.test"), KeyType.EC_P256);
        EchoBackend tlsPod = EchoBackend.start("tls-pod", "127.0.0.1", 0,
                SslContextBuilder.forServer(podCertificate.privateKey(), podCertificate.chain()).build(), false);
        EchoBackend plainPod = EchoBackend.start("plain-pod", "127.0.0.1", 0);
        HealthCheck check = new HealthCheck(HealthCheck.Kind.TLS, null, 0, 0, 30, 1_000, 1, 1);
        Cluster cluster = new Cluster("pass", dev.portcullis.dataplane.config.BalancePolicy.ROUND_ROBIN,
                List.of(Endpoint.ready("127.0.0.1", tlsPod.address().getPort()), Endpoint.ready("127.0.0.1", plainPod.address().getPort())),
                0, 0, null, ProxyProtocol.OFF).withHealth(check, OutlierDetection.OFF, RetryPolicy.OFF);
        VirtualHost passthrough = new VirtualHost("secure.example.test", TlsMode.PASSTHROUGH, null,
                List.of(new Route(PathMatch.prefix("/"), "pass")), false);
        try (TestDataPlane dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(passthrough), List.of(cluster),
                List.of(), null))) {
            ClusterHealth health = dataPlane.server().config().health().cluster("pass");
            InetSocketAddress tlsAddress = new InetSocketAddress("127.0.0.1", tlsPod.address().getPort());
            InetSocketAddress plainAddress = new InetSocketAddress("127.0.0.1", plainPod.address().getPort());
            await().atMost(Duration.ofSeconds(20)).until(() -> health.checksRun(tlsAddress) >= 2 && health.checksRun(plainAddress) >= 2);
            assertThat(health.usable(tlsAddress)).isTrue();
            assertThat(health.usable(plainAddress)).as("a pod that does not answer a ClientHello").isFalse();

            var tls = TestClients.sslContextTrusting(podCa);
            for (int i = 0; i < 4; i++) { // every relayed handshake reaches the TLS pod
                try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", dataPlane.httpsPort())) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName("secure.example.test")));
                    socket.setSSLParameters(parameters);
                    socket.startHandshake();
                    assertThat(socket.getSession().getPeerPrincipal().getName()).isNotBlank();
                }
            }
        } finally {
            tlsPod.close();
            plainPod.close();
        }
    }

    private static void awaitChecks(FaultyPod pod, int more) {
        int target = pod.healthChecks.get() + more;
        await().atMost(Duration.ofSeconds(20)).until(() -> pod.healthChecks.get() >= target);
    }

    private static HttpResponse<String> get(TestDataPlane dataPlane) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(dataPlane.http("health.example.test", "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String admin(TestDataPlane dataPlane, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(dataPlane.admin(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
