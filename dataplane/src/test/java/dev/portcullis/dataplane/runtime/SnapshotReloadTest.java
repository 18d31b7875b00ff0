package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The snapshot file is rewritten under a steady stream of requests: not one request may fail. */
class SnapshotReloadTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("reload CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
    private static final int CLIENTS = 4;

    @TempDir
    static Path directory;
    private static List<EchoBackend> blue;
    private static List<EchoBackend> green;
    private static TestDataPlane dataPlane;
    private static Path file;
    private static SnapshotFileWatcher watcher;

    @BeforeAll
    static void start() throws Exception {
        blue = List.of(EchoBackend.start("blue-1", "127.0.0.1", 0), EchoBackend.start("blue-2", "127.0.0.1", 0));
        green = List.of(EchoBackend.start("green-1", "127.0.0.1", 0), EchoBackend.start("green-2", "127.0.0.1", 0));
        dataPlane = TestDataPlane.serving(null);
        file = directory.resolve("snapshot.json");
        Files.writeString(file, SnapshotCodec.toJson(snapshot(1, blue)));
        watcher = SnapshotFileWatcher.start(file, dataPlane.server().config(), Duration.ofMillis(50));
        assertThat(dataPlane.server().config().current().version()).isEqualTo(1);
    }

    @AfterAll
    static void stop() {
        watcher.close();
        dataPlane.close();
        blue.forEach(EchoBackend::close);
        green.forEach(EchoBackend::close);
    }

    private static Snapshot snapshot(long version, List<EchoBackend> backends) {
        return new Snapshot(version,
                List.of(host("app.example.test", "app", prefix("/", "web"))),
                List.of(new Cluster("web", endpoints(backends))),
                List.of(certificate("app", APP)),
                null);
    }

    @Test
    void rewritesUnderLoadLoseNoRequest() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> loops = new java.util.ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            loops.add(clients.submit(() -> {
                HttpClient client = TestClients.trusting(CA);
                for (int i = 0; running.get() && i < 20_000; i++) {
                    try {
                        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                dataPlane.https("app.example.test", "/steady/" + i)).build(), HttpResponse.BodyHandlers.ofString());
                        String backend = response.headers().firstValue("x-backend").orElse("none");
                        if (response.statusCode() != 200 || !response.body().contains("request: GET /steady/" + i + " ")) {
                            failures.add(response.statusCode() + " from " + backend + ": " + response.body());
                        }
                        byBackend.computeIfAbsent(backend.substring(0, backend.indexOf('-') + 1), k -> new AtomicInteger())
                                .incrementAndGet();
                        answered.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }

        long version = 1;
        for (int round = 0; round < 12; round++) {
            Thread.sleep(150);
            version++;
            String json = SnapshotCodec.toJson(snapshot(version, version % 2 == 0 ? green : blue));
            if (round % 2 == 0) {
                Path temporary = directory.resolve("snapshot.json.tmp");
                Files.writeString(temporary, json);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.writeString(file, json); // in place: a half-written file may be seen and must be rejected
            }
            long expected = version;
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> dataPlane.server().config().current().version() == expected);
        }
        int rejectedBefore = watcher.rejected();
        Files.writeString(file, "{ \"version\": 99, \"virtualHosts\": [ { \"hostname\": ");
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.rejected() > rejectedBefore);
        assertThat(dataPlane.server().config().current().version()).as("a broken file keeps the last good snapshot")
                .isEqualTo(version);
        int answeredBefore = answered.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() > answeredBefore + 20);

        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();

        assertThat(failures).as("failed requests").isEmpty();
        assertThat(answered.get()).isGreaterThan(200);
        assertThat(byBackend.keySet()).containsExactlyInAnyOrder("blue-", "green-");
    }
}
