package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.ocsp.OcspFetcher;
import dev.portcullis.operator.ocsp.OcspTestCa;
import dev.portcullis.operator.ocsp.TestClock;
import dev.portcullis.operator.ocsp.TestOcspResponder;
import dev.portcullis.operator.ocsp.TestOcspResponder.Answer;
import dev.portcullis.operator.translate.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13, OCSP stapling through {@code serve -f}: certificates issued at test time name a real
 * OCSP responder (BouncyCastle answers over the JDK's HTTP server on 127.0.0.1); {@code openssl
 * s_client -status} shows the staple. Time is the test's clock: the refresh and the expiry of a
 * response are reached by moving it, and each step waits for the data plane to apply the result.
 */
class OcspStaplingServeTest {

    private static final String HOST = "ocsp.example.test";
    private static final OcspTestCa CA = OcspTestCa.create("OCSP serve CA");

    @TempDir
    Path directory;
    private final TestClock clock = new TestClock(Instant.now());
    private TestOcspResponder responder;
    private EchoBackend backend;
    private ServeCommand serving;
    private IssuedCertificate served;

    @BeforeEach
    void startResponder() throws Exception {
        responder = TestOcspResponder.start(CA.asSigner(), clock);
        backend = EchoBackend.start("ocsp", "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (serving != null) {
            serving.close();
        }
        backend.close();
        responder.close();
    }

    @Test
    void aGoodStapleReachesClientsThatAskAndOnlyThem() throws Exception {
        serve(responder.url());
        awaitStapled(1);

        for (String version : List.of("-tls1_2", "-tls1_3")) {
            String asked = sClient(version, "-status");
            assertThat(asked).as(version).contains("OCSP Response Status: successful").contains("Cert Status: good");
            assertThat(asked).as("the staple is about the served leaf").contains("Serial Number: " + serialHex());
        }
        String notAsked = sClient("-tls1_3");
        assertThat(notAsked).contains("Verify return code: 0 (ok)").doesNotContain("OCSP Response");

        String metrics = metrics();
        assertThat(metrics).contains("portcullis_ocsp_stapled_certificates 1.0")
                .contains("portcullis_operator_ocsp_staples{status=\"good\"} 1.0")
                .contains("portcullis_operator_ocsp_staples{status=\"expired\"} 0.0");
        assertThat(serving.problems()).noneMatch(problem -> problem.reason().startsWith("Ocsp"));
        assertThat(responder.requests()).as("one fetch for the certificate").isEqualTo(1);
    }

    @Test
    void aRevokedCertificateIsStapledAsRevokedWithAWarning() throws Exception {
        responder.answer(Answer.REVOKED);
        serve(responder.url());
        awaitStapled(1);

        String asked = sClient("-tls1_3", "-status");
        assertThat(asked).contains("OCSP Response Status: successful").contains("Cert Status: revoked");
        assertThat(ocspProblems()).extracting(Problem::reason).containsExactly("OcspCertificateRevoked");
        assertThat(metrics()).contains("portcullis_operator_ocsp_staples{status=\"revoked\"} 1.0");
    }

    @Test
    void aFailingResponderKeepsTheLastGoodStapleUntilNextUpdateThenStaplingStops() throws Exception {
        responder.validity(Duration.ofHours(4));
        serve(responder.url());
        awaitStapled(1);
        assertThat(sClient("-tls1_3", "-status")).contains("Cert Status: good");

        // Past half the validity the stapler refreshes; the responder fails: the last good response stays stapled.
        responder.answer(Answer.HTTP_500);
        clock.advance(Duration.ofHours(2).plusMinutes(10));
        serving.watcher().stapler().refreshNow();
        await().atMost(Duration.ofSeconds(20)).until(() -> hasProblem("OcspRefreshFailing"));
        assertThat(ocspProblems().getFirst().message()).contains("HTTP 500").contains("stapled until");
        assertThat(sClient("-tls1_3", "-status")).contains("OCSP Response Status: successful").contains("Cert Status: good");
        assertThat(metrics()).contains("portcullis_operator_ocsp_staples{status=\"failing\"} 1.0")
                .containsPattern("portcullis_operator_ocsp_fetch_failures_total [1-9]");

        // The responder goes away; the response passes its nextUpdate: stapling stops, handshakes go on.
        responder.close();
        clock.advance(Duration.ofHours(2));
        serving.watcher().stapler().refreshNow();
        awaitStapled(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> hasProblem("OcspStapleExpired"));
        String after = sClient("-tls1_3", "-status");
        assertThat(after).contains("Verify return code: 0 (ok)").contains("OCSP response: no response sent");
        assertThat(metrics()).contains("portcullis_operator_ocsp_staples{status=\"expired\"} 1.0");
    }

    @Test
    void anUnknownCertificateOrAnUnreachableResponderGetsNoStapleAndAWarning() throws Exception {
        responder.answer(Answer.UNKNOWN);
        serve(responder.url());
        await().atMost(Duration.ofSeconds(20)).until(() -> hasProblem("OcspStapleUnavailable"));
        assertThat(ocspProblems().getFirst().message()).contains("status unknown");
        assertThat(sClient("-tls1_3", "-status")).contains("Verify return code: 0 (ok)").contains("OCSP response: no response sent");
        serving.close();

        String closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = "http://127.0.0.1:" + socket.getLocalPort() + "/ocsp";
        }
        serve(closedPort);
        await().atMost(Duration.ofSeconds(20)).until(() -> hasProblem("OcspStapleUnavailable"));
        assertThat(ocspProblems().getFirst().message()).contains("cannot reach the OCSP responder");
        assertThat(sClient("-tls1_2", "-status")).contains("Verify return code: 0 (ok)").contains("OCSP response: no response sent");
    }

    /**
     * On the real clock, with nobody calling for a pass: a response valid for a few seconds is
     * refreshed, and when the responder fails it leaves the data plane at its nextUpdate (the
     * stapler wakes up for it), while handshakes go on.
     */
    @Test
    void aShortLivedStapleIsDroppedAtItsNextUpdateOnTheRealClock() throws Exception {
        try (TestOcspResponder live = TestOcspResponder.start(CA.asSigner(), java.time.Clock.systemUTC())) {
            live.validity(Duration.ofSeconds(8));
            serve(live.url(), java.time.Clock.systemUTC());
            awaitStapled(1);
            live.answer(Answer.HTTP_500);
            await().atMost(Duration.ofSeconds(30)).until(() -> hasProblem("OcspStapleExpired"));
            awaitStapled(0);
            assertThat(live.requests()).as("a refresh was tried before the expiry").isGreaterThan(1);
            assertThat(sClient("-tls1_3", "-status")).contains("Verify return code: 0 (ok)").contains("OCSP response: no response sent");
        }
    }

    /** {@code openssl ocsp} as the responder (its own HTTP server, CA index file): one certificate good, one revoked. */
    @Test
    void anOpensslOcspResponderIsStapledGoodAndRevoked() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        IssuedCertificate good = CA.issueServer(List.of(HOST), url);
        IssuedCertificate revoked = CA.issueServer(List.of("revoked." + HOST), url);
        served = good;
        Path ca = directory.resolve("ca.pem");
        Path caKey = directory.resolve("ca.key");
        Files.writeString(caKey, CA.privateKeyPem());
        writeManifest("ocsp", HOST, good);
        writeManifest("revoked", "revoked." + HOST, revoked);
        Path index = directory.resolve("index.txt");
        Files.writeString(index, indexLine("V", good, null) + indexLine("R", revoked, "261201000000Z"));
        Process responder = new ProcessBuilder("openssl", "ocsp", "-index", index.toString(), "-port", String.valueOf(port),
                "-CA", ca.toString(), "-rsigner", ca.toString(), "-rkey", caKey.toString(), "-ndays", "1")
                .redirectErrorStream(true).start();
        try {
            java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
            StringBuilder output = new StringBuilder();
            Thread.ofVirtual().start(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(responder.getInputStream()))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        output.append(line).append('\n');
                        if (line.startsWith("ACCEPT") || line.contains("Waiting for OCSP client connections")) {
                            listening.countDown();
                        }
                    }
                } catch (java.io.IOException e) {
                    // the responder was stopped
                }
            });
            assertThat(listening.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("openssl ocsp listening: " + output).isTrue();
            serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1),
                    java.time.Clock.systemUTC(), new OcspFetcher(Duration.ofSeconds(5)), Duration.ofHours(1));
            awaitStapled(2);
            assertThat(sClient("-tls1_3", "-status")).contains("OCSP Response Status: successful").contains("Cert Status: good")
                    .contains("Serial Number: " + serialHex());
            assertThat(sClientTo("revoked." + HOST, "-tls1_2", "-status")).contains("Cert Status: revoked");
            assertThat(ocspProblems()).extracting(Problem::reason).containsExactly("OcspCertificateRevoked");
        } finally {
            responder.destroy();
        }
    }

    private static String indexLine(String status, IssuedCertificate certificate, String revokedAt) {
        String serial = certificate.leaf().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        return status + "\t301231000000Z\t" + (revokedAt == null ? "" : revokedAt) + "\t"
                + (serial.length() % 2 == 0 ? serial : "0" + serial) + "\tunknown\t/CN="
                + certificate.leaf().getSubjectX500Principal().getName().substring(3) + "\n";
    }

    private String serialHex() {
        String hex = served.leaf().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    private void serve(String ocspUrl) throws Exception {
        serve(ocspUrl, clock);
    }

    private void serve(String ocspUrl, java.time.Clock time) throws Exception {
        IssuedCertificate certificate = CA.issueServer(List.of(HOST), ocspUrl);
        served = certificate;
        writeManifest("ocsp", HOST, certificate);
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1), time,
                new OcspFetcher(Duration.ofSeconds(5)), Duration.ofHours(1));
    }

    private void writeManifest(String name, String host, IssuedCertificate certificate) throws Exception {
        Files.writeString(directory.resolve("ca.pem"), dev.portcullis.dataplane.tls.Pem.certificates(List.of(CA.certificate())));
        Files.writeString(directory.resolve(name + ".yaml"), StandaloneManifests.service(name, backend.address().getPort()) + "---\n"
                + StandaloneManifests.tlsSecret(name + "-tls", certificate) + "---\n"
                + StandaloneManifests.ingress(name, host, name, name + "-tls", List.of()));
    }

    private void awaitStapled(int certificates) {
        await().atMost(Duration.ofSeconds(20)).until(() -> metrics().contains("portcullis_ocsp_stapled_certificates "
                + certificates + ".0"));
    }

    private List<Problem> ocspProblems() {
        return serving.problems().stream().filter(problem -> problem.reason().startsWith("Ocsp")).toList();
    }

    private boolean hasProblem(String reason) {
        return serving.problems().stream().anyMatch(problem -> problem.reason().equals(reason) && !problem.isError());
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + serving.server().adminAddress().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private String sClient(String... options) {
        return sClientTo(HOST, options);
    }

    private String sClientTo(String host, String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + serving.server().httpsAddress().getPort(), "-servername", host,
                "-CAfile", directory.resolve("ca.pem").toString(), "-verify_return_error"));
        command.addAll(List.of(options));
        Processes.Result result = Processes.run(command, "Q\n");
        assertThat(result.exitCode()).as("openssl s_client %s:%n%s%s", options, result.stdout(), result.stderr()).isZero();
        return result.stdout() + result.stderr();
    }
}
