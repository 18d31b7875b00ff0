package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.ClientPki;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client-certificate authentication, a per-host minimum TLS version and HSTS end to end: ingress-nginx's
 * {@code auth-tls-*} annotations through {@code serve} to a real pod, asked with curl and openssl.
 */
class ClientAuthServeTest {

    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final CertificateAuthority EDGE = CertificateAuthority.create("serve edge CA", KeyType.EC_P256);
    private static final ClientPki CLIENTS = ClientPki.create("serve clients CA");

    @TempDir
    static Path directory;
    @TempDir
    static Path files;
    private static ScriptedPod pod;
    private static ServeCommand serving;

    @BeforeAll
    static void start() throws Exception {
        pod = ScriptedPod.start("pod");
        IssuedCertificate server = EDGE.issueServer(List.of("secure.example.test", "modern.example.test"), KeyType.EC_P256);
        IssuedCertificate alice = CLIENTS.client("alice");
        IssuedCertificate revoked = CLIENTS.client("mallory");
        Files.writeString(files.resolve("edge-ca.pem"), EDGE.certificatePem());
        for (var client : List.of(java.util.Map.entry("alice", alice), java.util.Map.entry("mallory", revoked))) {
            Files.writeString(files.resolve(client.getKey() + ".crt"), client.getValue().chainPem());
            Files.writeString(files.resolve(client.getKey() + ".key"), client.getValue().privateKeyPem());
        }
        Files.writeString(directory.resolve("secure.yaml"), String.join("---\n",
                StandaloneManifests.service("app", pod.port()),
                StandaloneManifests.tlsSecret("edge-tls", server),
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: clients-ca
                data:
                  ca.crt: %s
                  ca.crl: %s
                """.formatted(StandaloneManifests.base64(CLIENTS.caPem()), StandaloneManifests.base64(CLIENTS.crlPem(revoked.leaf()))),
                ingress("secure", "secure.example.test", NGINX + "auth-tls-secret: default/clients-ca",
                        NGINX + "auth-tls-verify-client: \"on\"", NGINX + "auth-tls-pass-certificate-to-upstream: \"true\""),
                ingress("modern", "modern.example.test", "portcullis.dev/min-tls-version: \"1.3\"",
                        "portcullis.dev/hsts: \"max-age=600\"")));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        serving.close();
        pod.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void forgetEarlierRequests() throws InterruptedException {
        while (!pod.idle()) {
            pod.next();
        }
    }

    @Test
    void theManifestsTranslateWithoutProblems() {
        assertThat(serving.problems()).isEmpty();
    }

    @Test
    void aClientWithAValidCertificateReachesThePodWhichLearnsWhoItIs() throws Exception {
        String response = curl("secure.example.test", "alice");
        assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("strict-transport-security: max-age=31536000");
        ScriptedPod.Seen seen = pod.next();
        assertThat(seen.headers()).containsEntry("ssl-client-verify", "SUCCESS").containsEntry("ssl-client-subject-dn", "CN=alice")
                .containsKey("ssl-client-cert");
    }

    @Test
    void noCertificateOrARevokedOneIs400() {
        assertThat(curl("secure.example.test", null)).startsWith("HTTP/1.1 400").contains("No required SSL certificate was sent");
        assertThat(curl("secure.example.test", "mallory")).startsWith("HTTP/1.1 400").contains("certificate revoked");
        assertThat(pod.idle()).isTrue();
    }

    @Test
    void aHostsOwnMinimumVersionAndHsts() {
        assertThat(curl("modern.example.test", null, "--tls-max", "1.2")).isEmpty();
        assertThat(curl("modern.example.test", null)).startsWith("HTTP/1.1 200")
                .containsIgnoringCase("strict-transport-security: max-age=600\r\n");
    }

    /** The answer, or empty when curl could not connect (a refused handshake). */
    private static String curl(String host, String client, String... extra) {
        int port = serving.server().httpsAddress().getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--http1.1", "--max-time", "10",
                "--cacert", files.resolve("edge-ca.pem").toString(), "--resolve", host + ":" + port + ":127.0.0.1",
                "-H", "Accept: text/plain"));
        if (client != null) {
            command.addAll(List.of("--cert", files.resolve(client + ".crt").toString(), "--key", files.resolve(client + ".key").toString()));
        }
        command.addAll(List.of(extra));
        command.add("https://" + host + ":" + port + "/");
        Processes.Result result = Processes.run(command, null);
        return result.exitCode() == 0 ? result.stdout() : "";
    }

    private static String ingress(String name, String host, String... annotations) {
        return StandaloneManifests.ingress(name, host, "app", "edge-tls", List.of(annotations));
    }
}
