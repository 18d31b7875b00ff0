package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.testsupport.FaultyPod;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Passive outlier ejection through real sockets: pods that answer 500 leave balancing after their
 * run of failures, never more than half of a cluster at once, and return after their ejection time.
 * Every claim is counted (requests each pod saw), never timed.
 */
class OutlierEjectionTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final List<FaultyPod> pods = new ArrayList<>();
    private TestDataPlane dataPlane;

    @AfterEach
    void stop() {
        if (dataPlane != null) {
            dataPlane.close();
        }
        pods.forEach(FaultyPod::close);
    }

    @Test
    void aPodAnswering500sIsEjectedAndStopsReceivingRequests() throws Exception {
        FaultyPod failing = pod("failing");
        FaultyPod good = pod("good");
        failing.status.set(500);
        serve(new OutlierDetection(true, 3, 600_000, 600_000, 50), failing, good);

        while (failing.requests.get() < 3) {
            get("/");
        }
        int goodBefore = good.requests.get();
        for (int i = 0; i < 10; i++) {
            assertThat(get("/").statusCode()).isEqualTo(200);
        }
        assertThat(failing.requests.get()).as("requests the ejected pod saw").isEqualTo(3);
        assertThat(good.requests.get() - goodBefore).isEqualTo(10);

        String endpoints = admin("/debug/endpoints");
        assertThat(endpoints).contains("\"127.0.0.1:" + failing.port() + "\"").contains("\"ejected\"")
                .contains("\"usableEndpoints\" : 1");
        String metrics = admin("/metrics");
        assertThat(metrics).contains("portcullis_endpoint_ejections_total{cluster=\"pods\",kind=\"outlier\"} 1.0")
                .contains("portcullis_cluster_healthy_endpoints{cluster=\"pods\"} 1.0");
    }

    @Test
    void anEjectedPodReturnsAfterItsEjectionTime() throws Exception {
        FaultyPod failing = pod("failing");
        FaultyPod good = pod("good");
        failing.status.set(500);
        serve(new OutlierDetection(true, 2, 200, 10_000, 50), failing, good);
        while (failing.requests.get() < 2) {
            get("/");
        }
        failing.status.set(200); // it recovered while ejected; only its ejection time brings it back
        int seenWhenEjected = failing.requests.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            get("/");
            return failing.requests.get() > seenWhenEjected;
        });
        assertThat(dataPlane.server().config().health().cluster("pods").usableCount()).isEqualTo(2);
    }

    @Test
    void neverMoreThanHalfOfAClusterIsEjected() throws Exception {
        List<FaultyPod> all = List.of(pod("a"), pod("b"), pod("c"), pod("d"));
        all.forEach(pod -> pod.status.set(500));
        serve(new OutlierDetection(true, 1, 600_000, 600_000, 50), all.toArray(FaultyPod[]::new));

        for (int i = 0; i < 20; i++) {
            assertThat(get("/").statusCode()).isEqualTo(500);
        }
        assertThat(dataPlane.server().config().health().cluster("pods").usableCount()).isEqualTo(2);
        List<Integer> seen = all.stream().map(pod -> pod.requests.get()).sorted().toList();
        assertThat(seen.subList(0, 2)).as("the two ejected pods saw one request each").containsOnly(1);
        assertThat(seen.get(2) + seen.get(3)).as("the two kept in balancing saw the rest").isEqualTo(18);
        assertThat(admin("/metrics")).contains("portcullis_endpoint_ejections_total{cluster=\"pods\",kind=\"outlier\"} 2.0");
    }

    private FaultyPod pod(String name) throws Exception {
        FaultyPod pod = FaultyPod.start(name);
        pods.add(pod);
        return pod;
    }

    private void serve(OutlierDetection outliers, FaultyPod... endpoints) {
        List<Endpoint> ready = java.util.Arrays.stream(endpoints).map(pod -> Endpoint.ready("127.0.0.1", pod.port())).toList();
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(host("health.example.test", null, prefix("/", "pods"))),
                List.of(new Cluster("pods", ready).withHealth(null, outliers, RetryPolicy.OFF)), List.of(), null));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(dataPlane.http("health.example.test", path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String admin(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(dataPlane.admin(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
