package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.ClientAuth;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.Hsts;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.TlsPolicy;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.testsupport.ClientPki;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-host TLS at the edge with real handshakes, curl and openssl: client-certificate
 * authentication (required, optional, optional-no-ca; depth; CRL; the {@code ssl-client-*}
 * fields the pod gets), the minimum version and TLS 1.2 suites per host, HSTS, and 421 for a
 * request whose host differs from the connection's SNI in certificate or policy, while hosts that
 * share both share connections.
 */
class ClientAuthAndTlsPolicyTest {

    private static final CertificateAuthority EDGE = CertificateAuthority.create("edge CA", KeyType.EC_P256);
    private static final ClientPki CLIENTS = ClientPki.create("clients CA");
    private static final ClientPki STRANGERS = ClientPki.create("strangers CA");
    private static final List<String> HOSTS = List.of("a.example.test", "b.example.test", "required.example.test",
            "optional.example.test", "anyca.example.test", "deep.example.test", "errorpage.example.test",
            "modern.example.test", "nohsts.example.test");

    private static Path dir;
    private static ScriptedPod pod;
    private static TestDataPlane dataPlane;
    private static IssuedCertificate alice;
    private static IssuedCertificate revoked;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("client-auth");
        pod = ScriptedPod.start("pod");
        alice = CLIENTS.client("alice");
        revoked = CLIENTS.client("mallory");
        write("edge-ca.pem", EDGE.certificatePem());
        writeClient("alice", alice);
        writeClient("mallory", revoked);
        writeClient("stranger", STRANGERS.client("stranger"));
        writeClient("deep", CLIENTS.clientThroughIntermediate("deep"));
        writeClient("expired", CLIENTS.expiredClient("expired"));
        String crl = CLIENTS.crlPem(revoked.leaf());
        IssuedCertificate shared = EDGE.issueServer(HOSTS, KeyType.EC_P256);
        IssuedCertificate rsa = EDGE.issueServer(List.of("rsa.example.test", "rsa12.example.test"), KeyType.RSA_2048);
        List<VirtualHost> hosts = new ArrayList<>();
        hosts.add(host("a.example.test", "shared", null, null));
        hosts.add(host("b.example.test", "shared", null, null));
        hosts.add(host("required.example.test", "shared",
                new TlsPolicy(null, null, new ClientAuth(ClientAuth.Mode.REQUIRED, CLIENTS.caPem(), crl, 1, true, null)), null));
        // The same policy with a certificate of its own: both certificates share the policy's BoringSSL context.
        hosts.add(host("own.example.test", "own",
                new TlsPolicy(null, null, new ClientAuth(ClientAuth.Mode.REQUIRED, CLIENTS.caPem(), crl, 1, true, null)), null));
        hosts.add(host("optional.example.test", "shared",
                new TlsPolicy(null, null, new ClientAuth(ClientAuth.Mode.OPTIONAL, CLIENTS.caPem(), null, 1, false, null)), null));
        hosts.add(host("anyca.example.test", "shared",
                new TlsPolicy(null, null, new ClientAuth(ClientAuth.Mode.OPTIONAL_NO_CA, null, null, 1, false, null)), null));
        hosts.add(host("deep.example.test", "shared",
                new TlsPolicy(null, null, new ClientAuth(ClientAuth.Mode.REQUIRED, CLIENTS.caPem(), null, 2, false, null)), null));
        hosts.add(host("errorpage.example.test", "shared", new TlsPolicy(null, null, new ClientAuth(ClientAuth.Mode.REQUIRED,
                CLIENTS.caPem(), null, 1, false, "https://login.example.org/cert-help")), null));
        hosts.add(host("modern.example.test", "shared", new TlsPolicy("1.3", null, null), null));
        hosts.add(host("nohsts.example.test", "shared", null, Hsts.OFF));
        hosts.add(host("rsa.example.test", "rsa", null, null));
        hosts.add(host("rsa12.example.test", "rsa",
                new TlsPolicy(null, List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), null), null));
        dataPlane = TestDataPlane.serving(new Snapshot(1, hosts,
                List.of(new Cluster("pod", List.of(new Endpoint("127.0.0.1", pod.port(), true)))),
                List.of(certificate("shared", shared), certificate("rsa", rsa),
                        certificate("own", EDGE.issueServer(List.of("own.example.test"), KeyType.EC_P256))), null));
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        pod.close();
    }

    @BeforeEach
    void forgetEarlierRequests() throws InterruptedException {
        while (!pod.idle()) {
            pod.next();
        }
    }

    private static VirtualHost host(String name, String certificate, TlsPolicy tls, Hsts hsts) {
        return new VirtualHost(name, TlsMode.TERMINATE, certificate, List.of(new Route(PathMatch.prefix("/"), "pod")), true,
                tls, hsts);
    }

    @Test
    void aRequiredHostForwardsAVerifiedClientWithItsCertificateFields() throws Exception {
        Response response = curl("required.example.test", "required.example.test", "alice", "-H", "ssl-client-verify: forged");
        assertThat(response.status()).isEqualTo(200);
        ScriptedPod.Seen seen = pod.next();
        assertThat(seen.headers()).containsEntry("ssl-client-verify", "SUCCESS")
                .containsEntry("ssl-client-subject-dn", "CN=alice").containsEntry("ssl-client-issuer-dn", "CN=clients CA");
        String pem = URLDecoder.decode(seen.headers().get("ssl-client-cert"), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").isEqualTo(
                dev.portcullis.dataplane.tls.Pem.certificates(List.of(alice.leaf())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"none, No required SSL certificate was sent", "stranger, The SSL certificate error",
            "mallory, certificate revoked", "expired, The SSL certificate error", "deep, The SSL certificate error"})
    void aRequiredHostAnswers400WithoutAValidCertificateAndThePodSeesNothing(String client, String why) throws Exception {
        Response response = curl("required.example.test", "required.example.test", client.equals("none") ? null : client,
                "-H", "Accept: text/plain");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains(why);
        assertThat(pod.idle()).isTrue();
    }

    /**
     * A host with its own certificate under the required host's policy (curl checks the certificate
     * against the name, and only its own covers it) checks client certificates as strictly.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"alice, 200", "none, 400", "stranger, 400", "mallory, 400"})
    void aHostWithItsOwnCertificateUnderARequiredPolicyChecksClientsAlike(String client, int status) throws Exception {
        Response response = curl("own.example.test", "own.example.test", client.equals("none") ? null : client,
                "-H", "Accept: text/plain");
        assertThat(response.status()).isEqualTo(status);
        if (status == 200) {
            assertThat(pod.next().headers()).containsEntry("ssl-client-verify", "SUCCESS").containsEntry("ssl-client-subject-dn", "CN=alice");
        } else {
            assertThat(pod.idle()).isTrue();
        }
    }

    @Test
    void aLongerChainPassesWhereTheDepthAllowsIt() throws Exception {
        assertThat(curl("deep.example.test", "deep.example.test", "deep").status()).isEqualTo(200);
        assertThat(pod.next().headers()).containsEntry("ssl-client-verify", "SUCCESS")
                .containsEntry("ssl-client-subject-dn", "CN=deep");
    }

    @Test
    void anOptionalHostLetsAClientWithoutACertificateInButNotOneWithABadCertificate() throws Exception {
        assertThat(curl("optional.example.test", "optional.example.test", null).status()).isEqualTo(200);
        assertThat(pod.next().headers()).containsEntry("ssl-client-verify", "NONE").doesNotContainKey("ssl-client-cert");
        assertThat(curl("optional.example.test", "optional.example.test", "alice").status()).isEqualTo(200);
        assertThat(pod.next().headers()).containsEntry("ssl-client-verify", "SUCCESS").doesNotContainKey("ssl-client-cert");
        assertThat(curl("optional.example.test", "optional.example.test", "stranger").status()).isEqualTo(400);
    }

    @Test
    void optionalNoCaPassesAnyCertificateWithItsVerdict() throws Exception {
        assertThat(curl("anyca.example.test", "anyca.example.test", "stranger").status()).isEqualTo(200);
        ScriptedPod.Seen seen = pod.next();
        assertThat(seen.headers().get("ssl-client-verify")).startsWith("FAILED:");
        assertThat(seen.headers()).containsEntry("ssl-client-subject-dn", "CN=stranger");
    }

    /** A resumed session carries the certificate of the handshake it resumes: the client need not show it again. */
    @Test
    void aResumedSessionKeepsItsVerifiedCertificate() throws Exception {
        Path session = dir.resolve("alice-session.pem");
        String request = "GET /again HTTP/1.1\r\nHost: required.example.test\r\nConnection: close\r\n\r\n";
        String first = said(handshakeWith(request, "-tls1_2", "-cert", dir.resolve("alice.crt").toString(),
                "-key", dir.resolve("alice.key").toString(), "-sess_out", session.toString()));
        assertThat(first).contains("HTTP/1.1 200");
        assertThat(pod.next().headers()).containsEntry("ssl-client-verify", "SUCCESS");
        String resumed = said(handshakeWith(request, "-tls1_2", "-sess_in", session.toString()));
        assertThat(resumed).contains("Reused, TLSv1.2", "HTTP/1.1 200");
        assertThat(pod.next().headers()).containsEntry("ssl-client-verify", "SUCCESS").containsEntry("ssl-client-subject-dn", "CN=alice");
    }

    @Test
    void anErrorPageRedirectsInsteadOf400() throws Exception {
        Response response = curl("errorpage.example.test", "errorpage.example.test", null);
        assertThat(response.status()).isEqualTo(302);
        assertThat(response.head()).containsIgnoringCase("location: https://login.example.org/cert-help");
    }

    @Test
    void clientAuthenticationWorksOverHttp2() throws Exception {
        Response response = curl("required.example.test", "required.example.test", "alice", "--http2");
        assertThat(response.head()).startsWith("HTTP/2 200");
        assertThat(pod.next().headers()).containsEntry("ssl-client-verify", "SUCCESS");
        assertThat(curl("required.example.test", "required.example.test", null, "--http2").status()).isEqualTo(400);
    }

    /** The client's own ssl-client-* fields never reach a pod, on any host. */
    @Test
    void forgedCertificateFieldsAreRemovedEverywhere() throws Exception {
        curl("a.example.test", "a.example.test", null, "-H", "ssl-client-verify: SUCCESS", "-H", "ssl-client-subject-dn: CN=admin");
        assertThat(pod.next().headers()).doesNotContainKeys("ssl-client-verify", "ssl-client-subject-dn");
    }

    @ParameterizedTest(name = "SNI {0}, Host {1}: {2}")
    @CsvSource({"a.example.test, b.example.test, 200", "a.example.test, required.example.test, 421",
            "required.example.test, a.example.test, 421", "a.example.test, modern.example.test, 421",
            "a.example.test, rsa.example.test, 421"})
    void hostsSharingCertificateAndPolicyShareConnectionsOthersAre421(String sni, String host, int status) throws Exception {
        assertThat(curl(sni, host, sni.startsWith("required") ? "alice" : null).status()).isEqualTo(status);
    }

    @Test
    void aHostWithItsOwnPolicyIs421OnAConnectionThatNamedNoHost() throws Exception {
        Processes.Result result = Processes.run(List.of("curl", "-sS", "-k", "--max-time", "10", "-o", "/dev/null",
                "-w", "%{http_code}", "-H", "Host: required.example.test", "https://127.0.0.1:" + dataPlane.httpsPort() + "/"), null);
        assertThat(result.stdout()).as(result.stderr()).isEqualTo("421");
        Processes.Result plain = Processes.run(List.of("curl", "-sS", "-k", "--max-time", "10", "-o", "/dev/null",
                "-w", "%{http_code}", "-H", "Host: a.example.test", "https://127.0.0.1:" + dataPlane.httpsPort() + "/"), null);
        assertThat(plain.stdout()).as(plain.stderr()).isEqualTo("200");
    }

    @Test
    void aTls13OnlyHostRefusesTls12WhileAnotherHostOnThePortAcceptsIt() {
        assertThat(handshake("modern.example.test", "-tls1_2").exitCode()).isNotZero();
        assertThat(said(handshake("modern.example.test", "-tls1_3"))).contains("Protocol version: TLSv1.3");
        assertThat(said(handshake("a.example.test", "-tls1_2"))).contains("Protocol version: TLSv1.2");
    }

    @Test
    void aHostsCipherListIsTheOnlyTls12SuiteItAccepts() {
        assertThat(handshake("rsa12.example.test", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256").exitCode()).isNotZero();
        assertThat(said(handshake("rsa12.example.test", "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384")))
                .contains("Ciphersuite: ECDHE-RSA-AES256-GCM-SHA384");
        assertThat(said(handshake("rsa.example.test", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")))
                .contains("Ciphersuite: ECDHE-RSA-AES128-GCM-SHA256");
    }

    @Test
    void hstsIsOnHttpsByDefaultOffWhereAskedAndNeverTwice() throws Exception {
        assertThat(curl("a.example.test", "a.example.test", null).head())
                .containsIgnoringCase("strict-transport-security: max-age=31536000; includeSubDomains\r\n");
        assertThat(curl("nohsts.example.test", "nohsts.example.test", null).head())
                .doesNotContainIgnoringCase("strict-transport-security");
        Response pods = curlPath("a.example.test", "/sts");
        assertThat(pods.head().toLowerCase()).contains("strict-transport-security: max-age=5\r\n")
                .doesNotContain("max-age=31536000");
        Processes.Result plain = Processes.run(List.of("curl", "-sS", "-i", "--max-time", "10", "--resolve",
                "a.example.test:" + dataPlane.httpPort() + ":127.0.0.1", "http://a.example.test:" + dataPlane.httpPort() + "/"), null);
        assertThat(plain.stdout()).startsWith("HTTP/1.1 308").doesNotContainIgnoringCase("strict-transport-security");
    }

    record Response(int status, String head, String body) {
    }

    private static Response curl(String sni, String host, String client, String... extra) throws Exception {
        return request(sni, host, "/", client, extra);
    }

    private static Response curlPath(String host, String path) throws Exception {
        return request(host, host, path, null);
    }

    private static Response request(String sni, String host, String path, String client, String... extra) throws Exception {
        int port = dataPlane.httpsPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "10",
                "--cacert", dir.resolve("edge-ca.pem").toString(), "--resolve", sni + ":" + port + ":127.0.0.1"));
        if (client != null) {
            command.addAll(List.of("--cert", dir.resolve(client + ".crt").toString(), "--key", dir.resolve(client + ".key").toString()));
        }
        if (!sni.equals(host)) {
            command.addAll(List.of("-H", "Host: " + host));
        }
        command.addAll(List.of(extra));
        command.add("https://" + sni + ":" + port + path);
        Processes.Result result = Processes.run(command, null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        String out = result.stdout();
        int split = out.indexOf("\r\n\r\n");
        String head = split < 0 ? out : out.substring(0, split + 2);
        return new Response(Integer.parseInt(head.split(" ")[1]), head, split < 0 ? "" : out.substring(split + 4));
    }

    private static Processes.Result handshake(String sni, String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + dataPlane.httpsPort(),
                "-servername", sni, "-CAfile", dir.resolve("edge-ca.pem").toString(), "-brief"));
        command.addAll(List.of(options));
        return Processes.run(command, "");
    }

    /** openssl s_client sending {@code request} once the handshake is done, reading until the server closes. */
    private static Processes.Result handshakeWith(String request, String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + dataPlane.httpsPort(),
                "-servername", "required.example.test", "-CAfile", dir.resolve("edge-ca.pem").toString(), "-ign_eof"));
        command.addAll(List.of(options));
        return Processes.run(command, request);
    }

    /** What openssl printed: -brief writes its summary to stderr. */
    private static String said(Processes.Result result) {
        return result.stdout() + result.stderr();
    }

    private static void writeClient(String name, IssuedCertificate certificate) throws Exception {
        write(name + ".crt", certificate.chainPem());
        write(name + ".key", certificate.privateKeyPem());
    }

    private static void write(String name, String content) throws Exception {
        Files.writeString(dir.resolve(name), content);
    }
}
