package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.testkit.KubeBinaries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS defaults pass an audit (issue #16): {@code serve} on 127.0.0.1 with an RSA host and an
 * ECDSA host, probed by real clients. {@code openssl s_client} offering one TLS 1.2 suite at a time:
 * ECDHE with AES-GCM or ChaCha20-Poly1305 succeeds, CBC, static RSA and DHE fail. testssl.sh finds
 * nothing "NOT ok" on either host.
 */
class TlsAuditTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("audit CA", KeyType.EC_P256);
    private static final String RSA_HOST = "rsa.example.test";
    private static final String ECDSA_HOST = "ecdsa.example.test";
    /** Public CAs name a revocation list; testssl.sh flags a certificate that names none (nothing fetches it here). */
    private static final String CRL = "http://crl.example.test/audit-ca.crl";

    @TempDir
    static Path directory;
    private static EchoBackend backend;
    private static ServeCommand serving;
    private static Path caFile;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoBackend.start("audit", "127.0.0.1", 0);
        Path manifests = Files.createDirectories(directory.resolve("manifests"));
        Files.writeString(manifests.resolve("audit.yaml"), StandaloneManifests.service("audit", backend.address().getPort()) + "---\n"
                + StandaloneManifests.tlsSecret("rsa-tls", CA.issueServer(List.of(RSA_HOST), KeyType.RSA_2048, CRL)) + "---\n"
                + StandaloneManifests.tlsSecret("ecdsa-tls", CA.issueServer(List.of(ECDSA_HOST), KeyType.EC_P256, CRL)) + "---\n"
                + ingress("rsa", RSA_HOST, "rsa-tls") + "---\n" + ingress("ecdsa", ECDSA_HOST, "ecdsa-tls"));
        caFile = directory.resolve("ca.crt");
        Files.writeString(caFile, CA.certificatePem());
        serving = ServeCommand.start(manifests, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(200));
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void tls12ClientsOfferingOnlyCbcStaticRsaOrDheFailAndEcdheAeadSucceeds() throws Exception {
        requireTool("openssl", "version");
        for (String auth : List.of("RSA", "ECDSA")) {
            String host = auth.equals("RSA") ? RSA_HOST : ECDSA_HOST;
            for (String suite : List.of("ECDHE-" + auth + "-AES128-GCM-SHA256", "ECDHE-" + auth + "-AES256-GCM-SHA384",
                    "ECDHE-" + auth + "-CHACHA20-POLY1305")) {
                assertThat(sClient(host, "-tls1_2", "-cipher", suite)).as(host + " " + suite)
                        .contains("Cipher is " + suite).contains("Verify return code: 0 (ok)");
            }
            List<String> refused = auth.equals("RSA")
                    ? List.of("AES128-GCM-SHA256", "AES256-SHA256", "AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES128-SHA256",
                    "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256")
                    : List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA256",
                    "ECDHE-ECDSA-AES256-SHA384");
            for (String suite : refused) {
                assertThat(sClient(host, "-tls1_2", "-cipher", suite)).as(host + " " + suite).contains("Cipher is (NONE)");
            }
        }
        for (String suite : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")) {
            assertThat(sClient(ECDSA_HOST, "-tls1_3", "-ciphersuites", suite)).contains("Cipher is " + suite);
        }
        assertThat(sClient(RSA_HOST, "-tls1_1")).as("TLS 1.1").contains("Cipher is (NONE)");
    }

    /** testssl.sh, when installed (Debian package {@code testssl.sh}), on each host: nothing "NOT ok". */
    @Test
    @org.junit.jupiter.api.Timeout(value = 5, unit = TimeUnit.MINUTES)
    void testsslFindsNothingNotOkOnAnRsaAndAnEcdsaHost() throws Exception {
        String testssl = requireTool("testssl", "--version");
        // Both hosts at once (about 45 s each here). Protocols, cipher categories, forward secrecy,
        // server defaults, headers and vulnerabilities: everything but the per-cipher listing and the
        // client simulation, which take longer and judge nothing of their own.
        Map<String, java.util.concurrent.Future<String>> reports = new java.util.LinkedHashMap<>();
        try (var runs = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (String host : List.of(RSA_HOST, ECDSA_HOST)) {
                reports.put(host, runs.submit(() -> run(Duration.ofMinutes(4), testssl, "--quiet", "--color", "0",
                        "--warnings", "off", "--add-ca", caFile.toString(), "--ip", "127.0.0.1", "-p", "-s", "-f", "-S", "-h", "-U",
                        "https://" + host + ":" + serving.server().httpsAddress().getPort())));
            }
        }
        for (var entry : reports.entrySet()) {
            String host = entry.getKey();
            String report = entry.getValue().get();
            List<String> notOk = report.lines().filter(line -> line.contains("NOT ok")).toList();
            System.out.printf("testssl.sh on %s: %d lines, %d NOT ok%n", host, report.lines().count(), notOk.size());
            assertThat(report).as("testssl.sh ran to its end on " + host).contains("Done");
            assertThat(notOk).as("testssl.sh on " + host + ":\n" + report).isEmpty();
        }
    }

    private static String sClient(String host, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + serving.server().httpsAddress().getPort(), "-servername", host, "-CAfile", caFile.toString()));
        command.addAll(List.of(options));
        return run(Duration.ofSeconds(30), command.toArray(String[]::new));
    }

    /** The tool's path, or a skip (a failure where real tools are required) when it is not installed. */
    private static String requireTool(String tool, String probe) {
        try {
            run(Duration.ofSeconds(30), tool, probe);
            return tool;
        } catch (Exception e) {
            throw new KubeBinaries.Unavailable(tool + " is not installed (" + e.getMessage() + ")").skipOrFail();
        }
    }

    private static String run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        byte[][] output = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = new byte[0];
            }
        });
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + timeout);
        }
        reader.join();
        return new String(output[0], StandardCharsets.UTF_8);
    }



    private static String ingress(String name, String host, String secret) {
        return StandaloneManifests.ingress(name, host, "audit", secret, List.of());
    }

}
