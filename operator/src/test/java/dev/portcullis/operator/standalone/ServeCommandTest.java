package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code serve} on a folder of several Ingresses over real sockets, edited while requests flow. */
class ServeCommandTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("serve CA", KeyType.EC_P256);

    @TempDir
    Path directory;
    private EchoBackend shop;
    private EchoBackend blog;
    private EchoBackend blogNext;
    private ServeCommand serving;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        shop = EchoBackend.start("shop", "127.0.0.1", 0);
        blog = EchoBackend.start("blog", "127.0.0.1", 0);
        blogNext = EchoBackend.start("blog-next", "127.0.0.1", 0);
        IssuedCertificate shopCert = CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256);
        Files.writeString(directory.resolve("shop.yaml"), StandaloneManifests.service("shop", shop.address().getPort()) + "---\n"
                + StandaloneManifests.tlsSecret("shop-tls", shopCert) + "---\n" + ingress("shop", "shop.example.test", "shop", "shop-tls"));
        Files.writeString(directory.resolve("blog.yaml"), StandaloneManifests.service("blog", blog.address().getPort()) + "---\n"
                + ingress("blog", "blog.example.test", "blog", null));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(100));
        client = TestClients.trusting(CA);
    }

    @AfterEach
    void stop() {
        serving.close();
        shop.close();
        blog.close();
        blogNext.close();
    }

    @Test
    void servesEveryIngressOfTheFolder() throws Exception {
        assertThat(get("https", "shop.example.test", "/cart").body()).contains("backend: shop");
        assertThat(get("http", "blog.example.test", "/post/1").body()).contains("backend: blog");
        HttpResponse<String> redirected = get("http", "shop.example.test", "/cart?x=1");
        assertThat(redirected.statusCode()).isEqualTo(308);
        assertThat(redirected.headers().firstValue("location")).hasValue(
                "https://shop.example.test:" + serving.server().httpsAddress().getPort() + "/cart?x=1");
    }

    @Test
    void editsApplyWhileRequestsFlowAndBrokenEditsKeepTheLastGoodConfiguration() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> blogBackends = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        List<Future<?>> loops = new java.util.ArrayList<>();
        for (int c = 0; c < 3; c++) {
            loops.add(clients.submit(() -> {
                for (int i = 0; running.get() && i < 10_000; i++) {
                    try {
                        HttpResponse<String> shopResponse = get("https", "shop.example.test", "/i/" + i);
                        HttpResponse<String> blogResponse = get("http", "blog.example.test", "/i/" + i);
                        if (shopResponse.statusCode() != 200 || blogResponse.statusCode() != 200) {
                            failures.add(shopResponse.statusCode() + " / " + blogResponse.statusCode() + ": " + blogResponse.body());
                        }
                        blogBackends.add(blogResponse.headers().firstValue("x-backend").orElse("none"));
                        answered.addAndGet(2);
                    } catch (IOException | RuntimeException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() > 20);
        Files.writeString(directory.resolve("blog.yaml"), StandaloneManifests.service("blog", blogNext.address().getPort()) + "---\n"
                + ingress("blog", "blog.example.test", "blog", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> blogBackends.contains("blog-next"));

        long version = serving.server().config().current().version();
        Files.writeString(directory.resolve("blog.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: [broken\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> serving.problems().stream()
                .anyMatch(problem -> problem.reason().equals("ManifestUnreadable")));
        assertThat(serving.server().config().current().version()).as("a broken edit is not applied").isEqualTo(version);
        int answeredBefore = answered.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() > Math.max(answeredBefore + 20, 100));

        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(failures).isEmpty();
        assertThat(answered.get()).isGreaterThan(100);
    }

    @Test
    void aFileCaughtHalfWrittenIsNotAppliedUntilTwoPollsAgree() throws Exception {
        try (ServeCommand manual = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(),
                Duration.ofHours(1))) {
            long version = manual.server().config().current().version();
            Files.writeString(directory.resolve("blog.yaml"), ""); // an editor's truncate, caught by a poll
            manual.watcher().check();
            assertThat(manual.server().config().current().version()).as("a file seen once is still settling")
                    .isEqualTo(version);

            Files.writeString(directory.resolve("blog.yaml"), StandaloneManifests.service("blog", blogNext.address().getPort()) + "---\n"
                    + ingress("blog", "blog.example.test", "blog", null));
            manual.watcher().check();
            assertThat(manual.server().config().current().version()).isEqualTo(version);
            manual.watcher().check();
            assertThat(manual.server().config().current().version()).as("two polls agree: applied")
                    .isEqualTo(version + 1);
        }
    }

    @Test
    void aManifestSavedAsLatin1KeepsTheLastGoodConfigurationAndSaysWhichFile() throws Exception {
        try (ServeCommand manual = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(),
                Duration.ofHours(1))) {
            long version = manual.server().config().current().version();
            Files.write(directory.resolve("blog.yaml"), (StandaloneManifests.service("blog", blogNext.address().getPort()) + "---\n"
                    + ingress("blog", "blog.example.test", "blog", null) + "# caf\u00e9\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            manual.watcher().check();
            manual.watcher().check();
            assertThat(manual.problems()).anySatisfy(problem -> {
                assertThat(problem.toString()).startsWith("blog.yaml: ManifestUnreadable: is not UTF-8 text");
            });
            assertThat(manual.server().config().current().version()).as("the last good configuration stays")
                    .isEqualTo(version);
        }
    }

    @Test
    void reencryptToAPodWithAMismatchedCertificateAnswers502AndAVerifiedOne200() throws Exception {
        CertificateAuthority podCa = CertificateAuthority.create("pod CA", KeyType.EC_P256);
        IssuedCertificate right = podCa.issueServer(List.of("blog.internal"), KeyType.EC_P256);
        IssuedCertificate wrong = podCa.issueServer(List.of("somebody-else.internal"), KeyType.EC_P256);
        try (EchoBackend good = EchoBackend.start("good-pod", "127.0.0.1", 0,
                io.netty.handler.ssl.SslContextBuilder.forServer(right.privateKey(), right.chain()).build(), false);
             EchoBackend bad = EchoBackend.start("bad-pod", "127.0.0.1", 0,
                     io.netty.handler.ssl.SslContextBuilder.forServer(wrong.privateKey(), wrong.chain()).build(), false)) {
            String reencrypt = """
                      annotations:
                        portcullis.dev/tls-mode: reencrypt
                        portcullis.dev/backend-ca-secret: pods-ca
                        portcullis.dev/backend-server-name: blog.internal
                    """;
            Files.writeString(directory.resolve("blog.yaml"), StandaloneManifests.service("blog", good.address().getPort()) + "---\n" + StandaloneManifests.service("bad", bad.address().getPort()) + "---\n"
                    + "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pods-ca\ndata:\n  ca.crt: " + StandaloneManifests.base64(podCa.certificatePem()) + "\n---\n"
                    + ingress("blog", "blog.example.test", "blog", null).replace("metadata:\n  name: blog\n", "metadata:\n  name: blog\n" + reencrypt)
                    + "---\n" + ingress("bad", "app.example.test", "bad", null).replace("metadata:\n  name: bad\n", "metadata:\n  name: bad\n" + reencrypt));
            await().atMost(Duration.ofSeconds(10)).until(() -> get("http", "blog.example.test", "/").body().contains("good-pod"));
            assertThat(get("http", "app.example.test", "/").statusCode()).isEqualTo(502);
        }
    }

    private HttpResponse<String> get(String scheme, String host, String path) throws IOException, InterruptedException {
        int port = scheme.equals("https") ? serving.server().httpsAddress().getPort() : serving.server().httpAddress().getPort();
        return client.send(HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }



    private static String ingress(String name, String host, String service, String secret) {
        return StandaloneManifests.ingress(name, host, service, secret, List.of());
    }

}
