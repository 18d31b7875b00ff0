package dev.portcullis.dataplane.admin;

import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.ProxyProtocol;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminEndpointsTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("admin CA", KeyType.EC_P256);

    @Test
    void readyOnlyOnceASnapshotIsAppliedAndMetricsCoverTheTraffic() throws Exception {
        HttpClient admin = HttpClient.newHttpClient();
        try (EchoBackend backend = EchoBackend.start("echo", "127.0.0.1", 0);
             TestDataPlane dataPlane = TestDataPlane.serving(null)) {
            assertThat(status(admin, dataPlane, "/healthz")).isEqualTo(200);
            assertThat(status(admin, dataPlane, "/readyz")).isEqualTo(503);

            dataPlane.server().config().apply(new Snapshot(42,
                    List.of(host("app.example.test", "app", prefix("/", "echo"))),
                    List.of(new Cluster("echo", endpoints(List.of(backend)))),
                    List.of(certificate("app", CA.issueServer(List.of("app.example.test"), KeyType.RSA_2048))),
                    null));
            assertThat(status(admin, dataPlane, "/readyz")).isEqualTo(200);

            HttpClient client = TestClients.trusting(CA);
            assertThat(client.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(client.send(HttpRequest.newBuilder(dataPlane.https("app.example.test", "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            HttpResponse<String> metrics = admin.send(HttpRequest.newBuilder(dataPlane.admin("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("portcullis_requests_total{host=\"app.example.test\",status=\"2xx\"} 2.0")
                    .contains("portcullis_request_duration_seconds_bucket{host=\"app.example.test\",le=\"0.1\"}")
                    .contains("portcullis_tls_handshakes_total{protocol=\"TLSv1.3\"}")
                    .contains("portcullis_connections_open{listener=\"https\"}")
                    .contains("portcullis_snapshot_version 42.0")
                    .contains("portcullis_snapshot_apply_seconds_count 1")
                    .contains("portcullis_ssl_expire_time_seconds{certificate=\"app\",host=\"app.example.test\"}");
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(status(admin, dataPlane, "/nothing-here")).isEqualTo(404);
            assertThat(status(admin, dataPlane, "/metrics/nothing-here")).isEqualTo(404);
        }
    }

    @Test
    void metricsThatAlertsWatchExistBeforeAnyTrafficAndCountRejectedSnapshots() throws Exception {
        HttpClient admin = HttpClient.newHttpClient();
        try (TestDataPlane dataPlane = TestDataPlane.serving(null)) {
            assertThat(scrape(admin, dataPlane))
                    .contains("portcullis_snapshot_apply_failures_total 0.0")
                    .contains("portcullis_tls_handshakes_total{protocol=\"TLSv1.2\"} 0.0")
                    .contains("portcullis_tls_handshakes_total{protocol=\"TLSv1.3\"} 0.0")
                    .as("no operator is followed: no connection meters").doesNotContain("portcullis_control_plane_");

            dataPlane.server().config().apply(new Snapshot(1,
                    List.of(new VirtualHost("vault.example.test", TlsMode.PASSTHROUGH, null,
                            List.of(new Route(PathMatch.prefix("/"), "vault")))),
                    List.of(new Cluster("vault", BalancePolicy.ROUND_ROBIN, List.of(Endpoint.ready("127.0.0.1", 9)),
                            0, 0, null, ProxyProtocol.OFF)),
                    List.of(), null));
            Snapshot routesToNothing = new Snapshot(2, List.of(host("app.example.test", null, prefix("/", "missing"))),
                    List.of(), List.of(), null);
            assertThatThrownBy(() -> dataPlane.server().config().apply(routesToNothing))
                    .isInstanceOf(InvalidSnapshotException.class);

            assertThat(scrape(admin, dataPlane))
                    .contains("portcullis_passthrough_connections_total{host=\"vault.example.test\"} 0.0")
                    .contains("portcullis_snapshot_apply_failures_total 1.0")
                    .as("the last good snapshot stays").contains("portcullis_snapshot_version 1.0");
        }
    }

    private static String scrape(HttpClient admin, TestDataPlane dataPlane) throws Exception {
        return admin.send(HttpRequest.newBuilder(dataPlane.admin("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static int status(HttpClient admin, TestDataPlane dataPlane, String path) throws Exception {
        return admin.send(HttpRequest.newBuilder(dataPlane.admin(path)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
