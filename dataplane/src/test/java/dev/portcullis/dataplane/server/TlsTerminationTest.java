package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.endpoints;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static dev.portcullis.dataplane.testsupport.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real TLS handshakes on 127.0.0.1, checked with the JDK client and with openssl s_client. */
class TlsTerminationTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("TLS test CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
    private static final IssuedCertificate API = CA.issueServer(List.of("api.example.test"), KeyType.RSA_2048);
    private static final IssuedCertificate WILD = CA.issueServer(List.of("*.wild.example.test"), KeyType.EC_P256);

    @TempDir
    static Path directory;
    private static Path caFile;
    private static EchoBackend backend;
    private static TestDataPlane dataPlane;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        caFile = Files.writeString(directory.resolve("ca.crt"), CA.certificatePem());
        backend = EchoBackend.start("echo", "127.0.0.1", 0);
        dataPlane = TestDataPlane.serving(new Snapshot(1,
                List.of(host("app.example.test", "app", prefix("/", "echo")),
                        host("api.example.test", "api", prefix("/", "echo")),
                        host("*.wild.example.test", "wild", prefix("/", "echo"))),
                List.of(new Cluster("echo", endpoints(List.of(backend)))),
                List.of(certificate("app", APP), certificate("api", API), certificate("wild", WILD)),
                null));
        client = TestClients.trusting(CA);
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        backend.close();
    }

    @ParameterizedTest(name = "{0} is served with its own certificate")
    @CsvSource({"app.example.test, EC", "api.example.test, RSA", "one.wild.example.test, EC", "two.wild.example.test, EC"})
    void eachNameGetsItsOwnVerifiedCertificate(String hostname, String keyAlgorithm) throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(dataPlane.https(hostname, "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        X509Certificate leaf = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo(keyAlgorithm);
        assertThat(leaf.getSubjectAlternativeNames()).extracting(name -> name.get(1).toString())
                .containsExactly(hostname.endsWith("wild.example.test") ? "*.wild.example.test" : hostname);
    }

    @ParameterizedTest(name = "openssl s_client -servername {0}")
    @CsvSource({"app.example.test, 256, app.example.test", "api.example.test, 2048, api.example.test",
            "one.wild.example.test, 256, *.wild.example.test"})
    void opensslVerifiesEachName(String hostname, int keyBits, String commonName) {
        Processes.Result result = sClient("-servername", hostname, "-verify_hostname", hostname);
        assertThat(result.stdout()).contains("Verify return code: 0 (ok)")
                .contains("Server public key is " + keyBits + " bit")
                .contains("subject=CN = " + commonName);
    }

    @ParameterizedTest(name = "{0} falls back to the default certificate")
    @CsvSource({"deep.one.wild.example.test", "wild.example.test", "other.example.test"})
    void unknownNamesAndDeeperWildcardsGetTheDefaultCertificate(String hostname) {
        assertThat(sClient("-servername", hostname).stdout()).contains("subject=CN = portcullis default certificate");
    }

    @Test
    void aClientWithoutSniGetsTheDefaultCertificate() {
        assertThat(sClient("-noservername").stdout()).contains("subject=CN = portcullis default certificate");
    }

    @Test
    void theDefaultCertificateFailsVerificationForUnknownNames() {
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(dataPlane.https("other.example.test", "/")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @ParameterizedTest(name = "{0} is accepted")
    @CsvSource({"-tls1_2, TLSv1.2", "-tls1_3, TLSv1.3"})
    void speaksTls12And13(String flag, String protocol) {
        assertThat(sClient("-servername", "app.example.test", flag).stdout()).contains("New, " + protocol + ", Cipher is ");
    }

    @Test
    void refusesTls11() {
        Processes.Result result = sClient("-servername", "app.example.test", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(result.stderr()).contains("alert protocol version");
        assertThat(result.stdout()).contains("Cipher is (NONE)");
    }

    @Test
    void countsHandshakesByProtocolAndPublishesCertificateExpiry() {
        sClient("-servername", "app.example.test", "-tls1_2");
        String metrics = dataPlane.server().metrics().scrape();
        assertThat(metrics).contains("portcullis_tls_handshakes_total{protocol=\"TLSv1.2\"}");
        assertThat(metrics).containsPattern("portcullis_ssl_expire_time_seconds\\{certificate=\"app\",host=\"app.example.test\"\\} \\d\\.\\d+E9");
        assertThat(metrics).contains("portcullis_ssl_expire_time_seconds{certificate=\"_default\",host=\"_default\"}");
    }

    private static Processes.Result sClient(String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + dataPlane.httpsPort(), "-CAfile", caFile.toString()));
        command.addAll(List.of(options));
        return Processes.run(command, "");
    }
}
