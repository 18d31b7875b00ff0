package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.config.SessionTicketKey;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.tickets.MutableClock;
import dev.portcullis.operator.tickets.SessionTicketSecret;
import dev.portcullis.operator.tickets.SessionTicketSeed;
import dev.portcullis.operator.translate.ClusterState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.OpensslSessions.connectResuming;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.connectSaving;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.newLine;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.reusedLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Standalone session resumption: {@code serve} writes the folder's session ticket Secret when it has
 * none, and every {@code serve} on the folder derives the same ticket keys from it, so a client
 * resumes on another process and after a restart; rotations follow the clock, and the previous keys
 * keep opening tickets for the window. Real {@code serve} processes and {@code openssl s_client}.
 */
class SessionTicketServeTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("serve tickets CA", KeyType.EC_P256);
    private static final String HOST = "tickets.example.test";

    @TempDir
    Path directory;
    @TempDir
    Path scratch;

    @Test
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void twoServeProcessesOnOneFolderResumeEachOthersSessionsAndAfterARestart() throws Exception {
        writeSite();
        List<ServeProcess> started = new ArrayList<>();
        try {
            ServeProcess first = ServeProcess.start(directory, scratch.resolve("first.log"));
            started.add(first);
            ServeProcess second = ServeProcess.start(directory, scratch.resolve("second.log"));
            started.add(second);
            assertThat(Files.list(directory).filter(file -> file.getFileName().toString().startsWith(SessionTicketSecret.NAME)))
                    .as("one Secret file between them").containsExactly(directory.resolve(SessionTicketFile.FILE_NAME));

            for (String version : List.of("-tls1_2", "-tls1_3")) {
                Path session = scratch.resolve("session" + version + ".pem");
                assertThat(connectSaving(first.httpsPort, HOST, version, session)).contains(newLine(version));
                assertThat(connectResuming(second.httpsPort, HOST, version, session)).contains(reusedLine(version));
            }

            first.stop();
            ServeProcess restarted = ServeProcess.start(directory, scratch.resolve("restarted.log"));
            started.add(restarted);
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                assertThat(connectResuming(restarted.httpsPort, HOST, version, scratch.resolve("session" + version + ".pem")))
                        .as("after a restart").contains(reusedLine(version));
            }
            assertThat(scrape(restarted)).contains("portcullis_tls_session_ticket_keys 5.0");
        } finally {
            started.forEach(ServeProcess::stop);
        }

        SessionTicketSeed seed = SessionTicketSecret.parse(ManifestReader.readDirectory(directory).state()
                .secret(ClusterState.DEFAULT_NAMESPACE, SessionTicketSecret.NAME).orElseThrow());
        List<String> secrets = new ArrayList<>(List.of(Base64.getEncoder().encodeToString(seed.seed()),
                HexFormat.of().formatHex(seed.seed())));
        for (SessionTicketKey key : seed.keys(Instant.now())) {
            for (byte[] bytes : List.of(key.hmacKey(), key.aesKey())) {
                secrets.add(Base64.getEncoder().encodeToString(bytes));
                secrets.add(HexFormat.of().formatHex(bytes));
            }
        }
        for (String log : List.of("first.log", "second.log", "restarted.log")) {
            String text = Files.readString(scratch.resolve(log));
            assertThat(text).as(log).contains("session ticket key");
            secrets.forEach(secret -> assertThat(text).as(log + " shows no key material").doesNotContain(secret));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void afterARotationThePreviousKeyStillResumesAndOneOutOfTheWindowDoesNot(String version) throws Exception {
        writeSite();
        MutableClock clock = new MutableClock(Instant.now());
        try (ServeCommand serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(),
                Duration.ofDays(1), clock)) {
            assertThat(serving.problems()).as("the Secret file is an ordinary Secret nothing references")
                    .noneMatch(problem -> problem.toString().contains(SessionTicketSecret.NAME));
            int port = serving.server().httpsAddress().getPort();
            Path early = scratch.resolve("early.pem");
            Path earlyAgain = scratch.resolve("early-again.pem");
            connectSaving(port, HOST, version, early);
            connectSaving(port, HOST, version, earlyAgain);
            long before = serving.server().config().current().version();

            clock.advance(SessionTicketSeed.DEFAULT_PERIOD);
            serving.watcher().check();
            assertThat(serving.server().config().current().version()).as("the rotation applies a snapshot").isEqualTo(before + 1);
            assertThat(connectResuming(port, HOST, version, early)).contains(reusedLine(version));

            // The last period in which the first key still opens tickets.
            clock.advance(SessionTicketSeed.DEFAULT_PERIOD.multipliedBy(SessionTicketSeed.PREVIOUS_KEYS - 1));
            serving.watcher().check();
            assertThat(serving.server().config().current().version()).isEqualTo(before + 2);
            assertThat(connectResuming(port, HOST, version, earlyAgain)).as("at the edge of the window").contains(reusedLine(version));

            clock.advance(SessionTicketSeed.DEFAULT_PERIOD);
            serving.watcher().check();
            assertThat(serving.server().config().current().version()).isEqualTo(before + 3);
            assertThat(connectResuming(port, HOST, version, early)).as("past the window, the key is gone")
                    .contains(newLine(version));
        }
    }

    @Test
    void aBrokenSecretIsAWarningThatShowsNoValueAndSharesNoKeys() throws Exception {
        writeSite();
        Files.writeString(directory.resolve(SessionTicketFile.FILE_NAME), """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: portcullis-session-tickets
                type: Opaque
                data:
                  seed: c2hvcnQtYW5kLXNlY3JldA==
                """);
        ManifestTranslation result = ManifestTranslation.of(directory, 1, Instant.now());
        assertThat(result.problems()).filteredOn(problem -> problem.reason().equals("InvalidSessionTicketSecret")).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("InvalidSessionTicketSecret");
            assertThat(problem.message()).contains("seed is not 32 bytes").doesNotContain("c2hvcnQ").doesNotContain("short");
        });
        assertThat(result.translation().snapshot().sessionTicketKeys()).isEmpty();
        assertThat(result.manifestsReadable()).isTrue();
    }

    private void writeSite() throws IOException {
        Files.writeString(directory.resolve("site.yaml"), StandaloneManifests.tlsSecret("tickets-tls",
                CA.issueServer(List.of(HOST), KeyType.EC_P256)) + "---\n" + StandaloneManifests.serviceWithoutEndpoints("web")
                + "---\n" + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: tickets
                spec:
                  tls:
                  - hosts: [%s]
                    secretName: tickets-tls
                  rules:
                  - host: %s
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: web
                            port:
                              name: http
                """.formatted(HOST, HOST));
    }

    private static String scrape(ServeProcess serve) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.adminPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /** {@code portcullis serve -f DIR} as its own JVM, on free ports, its output in a file. */
    private static final class ServeProcess {
        final Process process;
        final int httpsPort;
        final int adminPort;

        private ServeProcess(Process process, int httpsPort, int adminPort) {
            this.process = process;
            this.httpsPort = httpsPort;
            this.adminPort = adminPort;
        }

        static ServeProcess start(Path directory, Path log) throws IOException {
            int https = FreePorts.next();
            int admin = FreePorts.next();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(Processes.dataPlaneJvmFlags());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.portcullis.operator.Main",
                    "serve", "-f", directory.toString(), "--http-port", String.valueOf(FreePorts.next()),
                    "--https-port", String.valueOf(https), "--admin-port", String.valueOf(admin)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ServeProcess serve = new ServeProcess(process, https, admin);
            try (HttpClient client = HttpClient.newHttpClient()) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> process.isAlive()
                        && client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            } catch (RuntimeException e) {
                serve.stop();
                throw new AssertionError("serve did not become ready; its output: " + Files.readString(log), e);
            }
            return serve;
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
