package dev.portcullis.dataplane.admin;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
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
            assertThat(status(admin, dataPlane, "/nothing-here")).isEqualTo(404);
        }
    }

    private static int status(HttpClient admin, TestDataPlane dataPlane, String path) throws Exception {
        return admin.send(HttpRequest.newBuilder(dataPlane.admin(path)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
