package dev.portcullis.dataplane.health;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.OutlierDetection;
import dev.portcullis.dataplane.config.RetryPolicy;
import dev.portcullis.dataplane.config.RetryPolicy.On;
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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries to another endpoint through real sockets: after a reset before any response byte, after
 * a 503 to a GET (never to a POST), after a per-try timeout; and the retry budget, which keeps
 * retries from multiplying an outage. Outcomes are counted at the pods.
 */
class RetriesTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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
    void aRequestResetBeforeAnyResponseByteSucceedsOnAnotherPod() throws Exception {
        FaultyPod resetting = pod("resetting");
        FaultyPod good = pod("good");
        resetting.reset = true;
        serve(RetryPolicy.DEFAULTS, resetting, good);
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = send("GET");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("good ");
        }
        assertThat(resetting.requests.get()).as("tries the resetting pod saw").isPositive();
        assertThat(good.requests.get()).isEqualTo(4);
        assertThat(admin("/metrics")).contains("portcullis_upstream_retries_total{cluster=\"pods\",kind=\"reset\"}");
    }

    @Test
    void a503IsRetriedForAGetButNeverForAPost() throws Exception {
        FaultyPod unavailable = pod("unavailable");
        FaultyPod good = pod("good");
        unavailable.status.set(503);
        serve(new RetryPolicy(2, Set.of(On.CONNECT_FAILURE, On.HTTP_503), 0, 0), unavailable, good);
        for (int i = 0; i < 4; i++) {
            assertThat(send("GET").statusCode()).isEqualTo(200);
        }
        assertThat(unavailable.methods).contains("GET");
        List<Integer> postStatuses = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // round robin: one of them lands on the pod that answers 503
            postStatuses.add(send("POST").statusCode());
        }
        assertThat(postStatuses).containsExactlyInAnyOrder(200, 503);
        assertThat(unavailable.methods.stream().filter("POST"::equals).count()).isEqualTo(1);
        assertThat(good.methods.stream().filter("POST"::equals).count()).as("the 503'd POST was not sent again").isEqualTo(1);
    }

    @Test
    void aPodSilentPastThePerTryTimeoutIsLeftForAnother() throws Exception {
        FaultyPod silent = pod("silent");
        FaultyPod good = pod("good");
        silent.hold = true; // answers only when the test releases it, which it never does
        // The per-try timeout holds for the good pod's answers too: 2 s, which the silent pod never beats anyway.
        serve(new RetryPolicy(1, Set.of(On.TIMEOUT), 2_000, 0), silent, good);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = send("GET");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("good ");
        }
        assertThat(silent.requests.get()).as("tries left to time out at the silent pod").isPositive();
        assertThat(good.requests.get()).isEqualTo(2);
    }

    @Test
    void theBudgetStopsRetriesWhenEveryPodFails() throws Exception {
        List<FaultyPod> all = List.of(pod("a"), pod("b"), pod("c"));
        for (FaultyPod pod : all) {
            pod.status.set(503);
            pod.hold = true;
        }
        serve(new RetryPolicy(1, Set.of(On.HTTP_503), 0, 0), all.toArray(FaultyPod[]::new));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            responses.add(CLIENT.sendAsync(request("GET"), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> seen(all) == 10); // ten requests under way at once
        // Each answers its first-wave requests (503), counted before any answer: a retry that reached the next pod
        // before its count was read would be let through with them, answered, and counted as done.
        int[] firstWave = all.stream().mapToInt(pod -> pod.requests.get()).toArray();
        for (int i = 0; i < all.size(); i++) {
            all.get(i).gate.release(firstWave[i]);
        }

        // 10 active requests: the budget (20 % of them, at least 3) lets 3 retry; the other 7 fail at once.
        await().atMost(Duration.ofSeconds(20)).until(() -> responses.stream().filter(CompletableFuture::isDone).count() == 7
                && seen(all) == 13);
        all.forEach(pod -> pod.gate.release(10)); // the three retries are answered 503 too: their only retry is spent
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertThat(response.get().statusCode()).isEqualTo(503);
        }
        assertThat(seen(all)).as("attempts the pods saw").isEqualTo(13);
        assertThat(admin("/metrics")).contains("portcullis_upstream_retry_budget_exhausted_total{cluster=\"pods\",kind=\"budget\"} 7.0");
    }

    private static int seen(List<FaultyPod> pods) {
        return pods.stream().mapToInt(pod -> pod.requests.get()).sum();
    }

    private FaultyPod pod(String name) throws Exception {
        FaultyPod pod = FaultyPod.start(name);
        pods.add(pod);
        return pod;
    }

    private void serve(RetryPolicy retry, FaultyPod... endpoints) {
        List<Endpoint> ready = Arrays.stream(endpoints).map(pod -> Endpoint.ready("127.0.0.1", pod.port())).toList();
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(host("retry.example.test", null, prefix("/", "pods"))),
                List.of(new Cluster("pods", ready).withHealth(null, OutlierDetection.OFF, retry)), List.of(), null));
    }

    private HttpRequest request(String method) {
        return HttpRequest.newBuilder(dataPlane.http("retry.example.test", "/act"))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    private HttpResponse<String> send(String method) throws Exception {
        return CLIENT.send(request(method), HttpResponse.BodyHandlers.ofString());
    }

    private String admin(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(dataPlane.admin(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
