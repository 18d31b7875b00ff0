package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.FaultyPod;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.Test;

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
 * What a data plane knows of its endpoints outlives snapshot swaps: an ejected endpoint stays
 * ejected when its cluster gains an endpoint; active checks follow the clusters served and stop
 * when a cluster leaves.
 */
class HealthAcrossSnapshotsTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void anEjectionSurvivesASnapshotThatAddsAnEndpoint() throws Exception {
        try (FaultyPod failing = FaultyPod.start("failing"); FaultyPod good = FaultyPod.start("good");
             FaultyPod added = FaultyPod.start("added")) {
            failing.status.set(500);
            OutlierDetection outliers = new OutlierDetection(true, 1, 600_000, 600_000, 50);
            try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot(1, outliers, null, failing, good))) {
                while (failing.requests.get() < 1) {
                    get(dataPlane);
                }
                dataPlane.server().config().apply(snapshot(2, outliers, null, failing, good, added));
                ClusterHealth health = dataPlane.server().config().health().cluster("pods");
                assertThat(health.usable(new InetSocketAddress("127.0.0.1", failing.port()))).isFalse();
                for (int i = 0; i < 6; i++) {
                    assertThat(get(dataPlane).statusCode()).isEqualTo(200);
                }
                assertThat(failing.requests.get()).isEqualTo(1);
                assertThat(good.requests.get() + added.requests.get()).isGreaterThanOrEqualTo(6);
                assertThat(added.requests.get()).isPositive();
            }
        }
    }

    @Test
    void activeChecksStopWhenTheirClusterLeaves() throws Exception {
        try (FaultyPod pod = FaultyPod.start("pod")) {
            HealthCheck check = new HealthCheck(HealthCheck.Kind.HTTP, "/healthz", 0, 0, 20, 1_000, 1, 1);
            try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot(1, OutlierDetection.DEFAULTS, check, pod))) {
                EndpointHealth health = dataPlane.server().config().health();
                await().atMost(Duration.ofSeconds(20)).until(() -> pod.healthChecks.get() >= 2);
                assertThat(health.checkers()).hasSize(1);

                dataPlane.server().config().apply(snapshot(2, OutlierDetection.DEFAULTS, null, pod));
                assertThat(health.checkers()).as("checkers after the check was removed").isEmpty();
                dataPlane.server().config().apply(new Snapshot(3, List.of(), List.of(), List.of(), null));
                assertThat(health.cluster("pods")).isNull();
            }
        }
    }

    private static Snapshot snapshot(long version, OutlierDetection outliers, HealthCheck check, FaultyPod... pods) {
        List<Endpoint> ready = java.util.Arrays.stream(pods).map(pod -> Endpoint.ready("127.0.0.1", pod.port())).toList();
        return new Snapshot(version, List.of(host("health.example.test", null, prefix("/", "pods"))),
                List.of(new Cluster("pods", ready).withHealth(check, outliers, RetryPolicy.OFF)), List.of(), null);
    }

    private static HttpResponse<String> get(TestDataPlane dataPlane) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(dataPlane.http("health.example.test", "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
