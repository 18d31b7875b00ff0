package dev.portcullis.dataplane.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.SessionAffinity;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.testsupport.Snapshots;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least-request and cookie affinity through real sockets: real pods (the JDK's HTTP server), the
 * JDK's HTTP client (with a cookie store, as a browser), snapshots swapped under a live client.
 * Requests are counted per pod; nothing is timed.
 */
class BalancingAndAffinityTest {

    private static final String HOST = "balance.example.test";

    private final List<Pod> pods = new ArrayList<>();
    private final Semaphore arrivals = new Semaphore(0);
    private TestDataPlane dataPlane;

    @AfterEach
    void stop() {
        if (dataPlane != null) {
            dataPlane.close();
        }
        pods.forEach(Pod::close);
    }

    @Test
    void underLeastRequestASlowPodGetsFewerRequests() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Pod slow = pod("slow", release);
        Pod fast = pod("fast", null);
        dataPlane = TestDataPlane.serving(snapshot(1, new Cluster("web", BalancePolicy.LEAST_REQUEST,
                List.of(slow.endpoint(), fast.endpoint()), 0, 0)));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int fastBefore = fast.count();
            CompletableFuture<HttpResponse<String>> response = client.sendAsync(get("/" + i), HttpResponse.BodyHandlers.ofString());
            assertThat(arrivals.tryAcquire(10, TimeUnit.SECONDS)).as("request " + i + " reached a pod").isTrue();
            if (fast.count() > fastBefore) {
                assertThat(response.get(10, TimeUnit.SECONDS).body()).isEqualTo("fast"); // done: nothing in flight there
            } else {
                held.add(response); // the slow pod holds it
            }
        }
        // Round-robin would have given the slow pod 15; least-request sends it no more while it holds one.
        assertThat(slow.count()).isLessThanOrEqualTo(2);
        assertThat(fast.count()).isGreaterThanOrEqualTo(28);

        // A snapshot that leaves the cluster as it was keeps its balancer, and so what is in flight.
        var before = dataPlane.server().config().current().clusters().get("web").balancer();
        dataPlane.server().config().apply(snapshot(2, new Cluster("web", BalancePolicy.LEAST_REQUEST,
                List.of(slow.endpoint(), fast.endpoint()), 0, 0)));
        assertThat(dataPlane.server().config().current().clusters().get("web").balancer()).isSameAs(before);
        if (slow.count() > 0) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.send(get("/after-swap/" + i), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("fast");
            }
        }
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow");
        }
    }

    @Test
    void aCookiePinsTheClientThroughChurnAndMovesOnlyWhenItsPodLeaves() throws Exception {
        Pod a = pod("a", null);
        Pod b = pod("b", null);
        Pod c = pod("c", null);
        SessionAffinity affinity = new SessionAffinity("route", 3600L, null, "/", "Lax", false, null);
        dataPlane = TestDataPlane.serving(snapshot(1, sticky(affinity, a, b)));
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();

        HttpResponse<String> first = browser.send(get("/login"), HttpResponse.BodyHandlers.ofString());
        String pinned = first.body();
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).matches("route=[0-9a-f]{16}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax")
                .doesNotContain("127.0.0.1").doesNotContain(String.valueOf(podNamed(pinned).port()));
        assertStaysOn(browser, pinned, 20);

        dataPlane.server().config().apply(snapshot(2, sticky(affinity, a, b, c))); // a pod joins
        assertStaysOn(browser, pinned, 20);
        Pod other = pinned.equals("a") ? b : a;
        List<Pod> withoutOther = new ArrayList<>(List.of(a, b, c));
        withoutOther.remove(other);
        dataPlane.server().config().apply(snapshot(3, sticky(affinity, withoutOther.toArray(Pod[]::new)))); // another leaves
        assertStaysOn(browser, pinned, 20);

        List<Pod> withoutPinned = new ArrayList<>(withoutOther);
        withoutPinned.remove(podNamed(pinned));
        dataPlane.server().config().apply(snapshot(4, sticky(affinity, withoutPinned.toArray(Pod[]::new)))); // its own leaves
        HttpResponse<String> moved = browser.send(get("/again"), HttpResponse.BodyHandlers.ofString());
        assertThat(moved.body()).isNotEqualTo(pinned).isEqualTo(withoutPinned.getFirst().name());
        assertThat(moved.headers().firstValue("set-cookie")).as("a new cookie for the new pod")
                .hasValueSatisfying(cookie -> assertThat(cookie).startsWith("route=").isNotEqualTo(setCookie));
        assertStaysOn(browser, moved.body(), 10);
    }

    @Test
    void requestsWithoutTheCookieAreBalancedAndEachGetsOne() throws Exception {
        Pod a = pod("a", null);
        Pod b = pod("b", null);
        dataPlane = TestDataPlane.serving(snapshot(1, sticky(SessionAffinity.cookie(null), a, b)));
        HttpClient cookieless = HttpClient.newHttpClient();
        Set<String> reached = new HashSet<>();
        Set<String> cookies = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = cookieless.send(get("/"), HttpResponse.BodyHandlers.ofString());
            reached.add(response.body());
            cookies.add(response.headers().firstValue("set-cookie").orElseThrow().split(";")[0]);
        }
        assertThat(reached).containsExactlyInAnyOrder("a", "b");
        assertThat(cookies).hasSize(2).allSatisfy(cookie -> assertThat(cookie).startsWith("INGRESSCOOKIE="));
        HttpResponse<String> forged = cookieless.send(HttpRequest.newBuilder(dataPlane.http(HOST, "/"))
                .header("Cookie", "INGRESSCOOKIE=0000000000000000").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.headers().firstValue("set-cookie")).as("an unknown id is replaced").isPresent();
    }

    @Test
    void overHttp2TheCookiePinsEveryStream() throws Exception {
        Pod a = pod("a", null);
        Pod b = pod("b", null);
        CertificateAuthority ca = CertificateAuthority.create("balance CA", CertificateAuthority.KeyType.EC_P256);
        Cluster cluster = sticky(SessionAffinity.cookie("route"), a, b);
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(new VirtualHost(HOST, TlsMode.TERMINATE, "balance",
                List.of(new Route(PathMatch.prefix("/"), "web", null, null, null, null, null, null, null, null)), false)),
                List.of(cluster), List.of(Snapshots.certificate("balance", ca.issueServer(List.of(HOST),
                CertificateAuthority.KeyType.EC_P256))), null));
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestClients.sslContextTrusting(ca))
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();
        HttpResponse<String> first = h2.send(HttpRequest.newBuilder(dataPlane.https(HOST, "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(first.headers().firstValue("set-cookie")).hasValueSatisfying(cookie -> assertThat(cookie).startsWith("route="));
        List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // concurrent streams on one connection
            streams.add(h2.sendAsync(HttpRequest.newBuilder(dataPlane.https(HOST, "/" + i)).header("Cookie", "other=1").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> stream : streams) {
            assertThat(stream.get(10, TimeUnit.SECONDS).body()).isEqualTo(first.body());
        }
    }

    private void assertStaysOn(HttpClient browser, String pod, int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = browser.send(get("/page/" + i), HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo(pod);
            assertThat(response.headers().firstValue("set-cookie")).as("already pinned: no new cookie").isEmpty();
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(dataPlane.http(HOST, path)).build();
    }

    private static Cluster sticky(SessionAffinity affinity, Pod... members) {
        return new Cluster("web", List.of(members).stream().map(Pod::endpoint).toList())
                .withBalancing(BalancePolicy.ROUND_ROBIN, null, affinity);
    }

    private static Snapshot snapshot(long version, Cluster cluster) {
        return new Snapshot(version, List.of(new VirtualHost(HOST, TlsMode.TERMINATE, null,
                List.of(new Route(PathMatch.prefix("/"), "web", null, null, null, null, null, null, null, null)), false)),
                List.of(cluster), List.of(), null);
    }

    private Pod podNamed(String name) {
        return pods.stream().filter(pod -> pod.name().equals(name)).findFirst().orElseThrow();
    }

    private Pod pod(String name, CountDownLatch gate) throws IOException {
        Pod pod = new Pod(name, gate, arrivals);
        pods.add(pod);
        return pod;
    }

    /** A pod answering its name; with a gate it holds every request until the gate opens. */
    private static final class Pod implements AutoCloseable {
        private final String name;
        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final AtomicInteger count = new AtomicInteger();

        Pod(String name, CountDownLatch gate, Semaphore arrivals) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(threads);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    count.incrementAndGet();
                    arrivals.release();
                    if (gate != null) {
                        gate.await(30, TimeUnit.SECONDS);
                    }
                    byte[] body = name.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        String name() {
            return name;
        }

        int port() {
            return server.getAddress().getPort();
        }

        int count() {
            return count.get();
        }

        Endpoint endpoint() {
            return Endpoint.ready("127.0.0.1", port());
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
