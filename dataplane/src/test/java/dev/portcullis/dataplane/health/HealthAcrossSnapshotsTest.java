package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.HealthCheck;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDiff;
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

    /** Through deltas, which compile only the clusters they touch: the others keep their very checkers. */
    @Test
    void activeChecksFollowTheClustersADeltaTouchesAndTheOthersKeepTheirs() throws Exception {
        try (FaultyPod a = FaultyPod.start("a"); FaultyPod b = FaultyPod.start("b"); FaultyPod c = FaultyPod.start("c")) {
            HealthCheck check = new HealthCheck(HealthCheck.Kind.HTTP, "/healthz", 0, 0, 20, 1_000, 1, 1);
            Snapshot first = SnapshotDiff.canonical(new Snapshot(1,
                    List.of(host("a.example.test", null, prefix("/", "a")), host("b.example.test", null, prefix("/", "b")),
                            host("c.example.test", null, prefix("/", "c"))),
                    List.of(checked("a", check, a), checked("b", check, b), checked("c", check, c)), List.of(), null));
            try (TestDataPlane dataPlane = TestDataPlane.serving(first)) {
                var config = dataPlane.server().config();
                EndpointHealth health = config.health();
                await().atMost(Duration.ofSeconds(20)).until(() -> a.healthChecks.get() >= 1 && b.healthChecks.get() >= 1
                        && c.healthChecks.get() >= 1);
                assertThat(health.checkers()).hasSize(3);
                ActiveChecker checkingB = health.checker("b");

                // Cluster a loses its check: its checker stops, b's and c's stay the same.
                Snapshot second = delta(first, 2, List.of(checked("a", null, a)), List.of(), List.of());
                assertThat(config.apply(second).changes()).as("compiled from the delta").isNotNull();
                assertThat(health.checkers()).hasSize(2);
                assertThat(health.checker("a")).isNull();
                assertThat(health.checker("b")).isSameAs(checkingB);
                long checksOfA = a.healthChecks.get();

                // Cluster c leaves with its host: its checker stops too, and its usable-endpoints row goes.
                Snapshot third = delta(second, 3, List.of(), List.of("c"), List.of("c.example.test"));
                assertThat(config.apply(third).changes()).as("compiled from the delta").isNotNull();
                assertThat(health.checkers()).hasSize(1);
                assertThat(health.checker("b")).isSameAs(checkingB);
                assertThat(health.cluster("c")).isNull();
                assertThat(config.metrics().scrape()).contains("portcullis_cluster_healthy_endpoints{cluster=\"b\"}")
                        .doesNotContain("portcullis_cluster_healthy_endpoints{cluster=\"c\"}");

                // Cluster a gets its check back: a new checker, which checks again.
                Snapshot fourth = delta(third, 4, List.of(checked("a", check, a)), List.of(), List.of());
                assertThat(config.apply(fourth).changes()).as("compiled from the delta").isNotNull();
                assertThat(health.checkers()).hasSize(2);
                await().atMost(Duration.ofSeconds(20)).until(() -> a.healthChecks.get() > checksOfA);
                assertThat(health.checker("b")).isSameAs(checkingB);
            }
        }
    }

    private static Cluster checked(String name, HealthCheck check, FaultyPod pod) {
        return new Cluster(name, List.of(Endpoint.ready("127.0.0.1", pod.port())))
                .withHealth(check, OutlierDetection.DEFAULTS, RetryPolicy.OFF);
    }

    private static Snapshot delta(Snapshot base, long version, List<Cluster> clusters, List<String> removedClusters,
                                  List<String> removedHosts) {
        return SnapshotDiff.apply(base, new SnapshotDelta(base.version(), version, List.of(), removedHosts, clusters,
                removedClusters, List.of(), List.of(), base.defaultCertificate(), base.listener(), base.sessionTicketKeys()));
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
