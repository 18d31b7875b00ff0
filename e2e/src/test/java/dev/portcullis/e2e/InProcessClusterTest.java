package dev.portcullis.e2e;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.SteadyLoad;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import dev.portcullis.operator.certificates.OperatorCertificates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole system on one machine: fabric8's mock API server (CRUD), the operator, a data plane in
 * its own process started from its jar and connected over the mutual-TLS channel, echo and TLS
 * backends, and real clients (curl, openssl s_client, the JDK's HttpClient).
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InProcessClusterTest {

    private static final CertificateAuthority SITE_CA = CertificateAuthority.create("site CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("pod CA", KeyType.EC_P256);

    static KubernetesClient client;

    private static Path work;
    private static OperatorRuntime operator;
    private static int channelPort;
    private static Process dataPlane;
    private static int httpsPort;
    private static int httpPort;
    private static final List<EchoBackend> BACKENDS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("portcullis-e2e");
        operator = startOperator(0);
        channelPort = operator.channelAddress().getPort();
        Path certificates = Files.createDirectories(work.resolve("client-cert"));
        Secret secret = client.secrets().inNamespace("portcullis").withName(OperatorCertificates.CLIENT_SECRET).get();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(certificates.resolve(key), Base64.getDecoder().decode(secret.getData().get(key)));
        }
        httpsPort = FreePorts.next();
        httpPort = FreePorts.next();
        int adminPort = FreePorts.next();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(Processes.dataPlaneJvmFlags());
        command.addAll(List.of("-jar",
                "../dataplane/target/portcullis-dataplane.jar", "--control-plane", "https://localhost:" + channelPort,
                "--client-cert", certificates.toString(), "--bind", "127.0.0.1", "--http-port", String.valueOf(httpPort),
                "--https-port", String.valueOf(httpsPort), "--admin-port", String.valueOf(adminPort)));
        dataPlane = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(work.resolve("dataplane.log").toFile()).start();
        HttpClient admin = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

        EchoBackend web1 = backend(EchoBackend.start("web-1", "127.0.0.1", 0));
        EchoBackend web2 = backend(EchoBackend.start("web-2", "127.0.0.1", 0));
        IssuedCertificate apiPod = POD_CA.issueServer(List.of("api.internal"), KeyType.EC_P256);
        IssuedCertificate vaultPod = POD_CA.issueServer(List.of("secure.example.test"), KeyType.EC_P256);
        EchoBackend api = backend(EchoBackend.start("api-pod", "127.0.0.1", 0,
                SslContextBuilder.forServer(apiPod.privateKey(), apiPod.chain()).build(), false));
        EchoBackend vault = backend(EchoBackend.start("vault-pod", "127.0.0.1", 0,
                SslContextBuilder.forServer(vaultPod.privateKey(), vaultPod.chain()).build(), true));

        apply("""
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata: {name: portcullis}
                spec: {controller: portcullis.dev/ingress-controller}
                """);
        apply(service("web", "http") + slice("web", "web-1", "http", web1) + slice("web", "web-2", "http", web2)
                + service("api", "https") + slice("api", "api-1", "https", api)
                + service("vault", "https") + slice("vault", "vault-1", "https", vault));
        apply(tlsSecret("app-tls", SITE_CA.issueServer(List.of("app.example.test", "api.example.test"), KeyType.EC_P256)));
        apply("apiVersion: v1\nkind: Secret\nmetadata: {name: pods-ca, namespace: shop}\nstringData:\n  ca.crt: "
                + quoted(POD_CA.certificatePem()) + "\n");
        apply(ingress("app", "app.example.test", "web", "app-tls", ""));
        apply(ingress("api", "api.example.test", "api", "app-tls", """
                    portcullis.dev/tls-mode: reencrypt
                    portcullis.dev/backend-ca-secret: pods-ca
                    portcullis.dev/backend-server-name: api.internal
                """));
        apply(ingress("vault", "secure.example.test", "vault", null, """
                    portcullis.dev/tls-mode: passthrough
                    portcullis.dev/proxy-protocol: v2
                """));
        Files.writeString(work.resolve("site-ca.crt"), SITE_CA.certificatePem());
        Files.writeString(work.resolve("pod-ca.crt"), POD_CA.certificatePem());
        await().atMost(Duration.ofSeconds(30)).until(() -> curl("app.example.test", "/").contains("backend: web-"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.destroy();
            dataPlane.waitFor(20, TimeUnit.SECONDS);
        }
        if (operator != null) {
            operator.close();
        }
        BACKENDS.forEach(EchoBackend::close);
    }

    @Test
    @Order(1)
    void everyTlsModeWorksThroughRealClients() throws Exception {
        String terminated = curl("app.example.test", "/shop");
        assertThat(terminated).containsPattern("backend: web-[12]").contains("x-forwarded-proto: https");

        assertThat(curl("api.example.test", "/orders")).contains("backend: api-pod");

        String passedThrough = Processes.bash("curl -sS --cacert " + work.resolve("pod-ca.crt") + " --resolve secure.example.test:"
                + httpsPort + ":127.0.0.1 https://secure.example.test:" + httpsPort + "/").stdout();
        assertThat(passedThrough).contains("backend: vault-pod").containsPattern("proxy-header: V2 TCP4 127.0.0.1:\\d+ -> 127.0.0.1:" + httpsPort);
        Processes.Result openssl = Processes.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + httpsPort,
                "-servername", "secure.example.test", "-CAfile", work.resolve("pod-ca.crt").toString()), "");
        assertThat(openssl.stdout()).contains("subject=CN = secure.example.test").contains("issuer=CN = pod CA")
                .contains("Verify return code: 0 (ok)");
    }

    @Test
    @Order(2)
    void certificateRotationAndEndpointChurnUnderLoadFailNothing() throws Exception {
        EchoBackend web3 = backend(EchoBackend.start("web-3", "127.0.0.1", 0));
        List<String> failures = underLoad(() -> {
            apply(tlsSecret("app-tls", SITE_CA.issueServer(List.of("app.example.test", "api.example.test"), KeyType.RSA_2048)));
            await().atMost(Duration.ofSeconds(20)).until(() -> Processes.run(List.of("openssl", "s_client", "-connect",
                    "127.0.0.1:" + httpsPort, "-servername", "app.example.test"), "").stdout().contains("Server public key is 2048 bit"));
            apply(slice("web", "web-3", "http", web3));
            await().atMost(Duration.ofSeconds(20)).until(() -> curl("app.example.test", "/").contains("backend: web-3"));
            long published = operator.publisher().latest().version();
            client.discovery().v1().endpointSlices().inNamespace("shop").withName("web-1").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> operator.publisher().latest().version() > published);
        });
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(3)
    void oneBrokenSecretStaysWithItsOwnIngress() throws Exception {
        apply("apiVersion: v1\nkind: Secret\nmetadata: {name: broken-tls, namespace: shop}\ntype: kubernetes.io/tls\n"
                + "stringData: {tls.crt: nonsense, tls.key: nonsense}\n");
        apply(ingress("blog", "blog.example.test", "web", "broken-tls", ""));
        await().atMost(Duration.ofSeconds(20)).until(() -> client.v1().events().inNamespace("shop").list().getItems().stream()
                .anyMatch(event -> event.getInvolvedObject().getName().equals("blog") && event.getReason().equals("SecretInvalid")));
        assertThat(curl("app.example.test", "/")).contains("backend: web-");
        assertThat(curl("api.example.test", "/")).contains("backend: api-pod");
    }

    @Test
    @Order(4)
    void anOperatorRestartWhileServingLosesNothing() throws Exception {
        List<String> failures = underLoad(() -> {
            operator.close();
            operator = null;
            Thread.sleep(1500);
            operator = startOperator(channelPort);
        });
        assertThat(failures).isEmpty();
        apply(ingress("docs", "docs.example.test", "web", null, ""));
        await().atMost(Duration.ofSeconds(60)).until(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/")).header("X-Probe", "1").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() != 0 && Processes.bash("curl -s -o /dev/null -w '%{http_code}' -H 'Host: docs.example.test' http://127.0.0.1:"
                + httpPort + "/").stdout().equals("200"));
    }

    // --- helpers

    private static OperatorRuntime startOperator(int port) throws Exception {
        return OperatorRuntime.start(client, new OperatorSettings("portcullis", "portcullis-operator", "127.0.0.1", port,
                "portcullis-dataplane", "203.0.113.10", false, false, false, Duration.ofMillis(50), Duration.ofMillis(300),
                Duration.ofSeconds(2)));
    }

    private static List<String> underLoad(SteadyLoad.Action action) throws Exception {
        return SteadyLoad.during(2, () -> TestClients.trusting(SITE_CA),
                URI.create("https://app.example.test:" + httpsPort + "/load"), action);
    }

    private static String curl(String host, String path) {
        return Processes.bash("curl -sS --cacert " + work.resolve("site-ca.crt") + " --resolve " + host + ":" + httpsPort
                + ":127.0.0.1 https://" + host + ":" + httpsPort + path).stdout();
    }

    private static EchoBackend backend(EchoBackend backend) {
        BACKENDS.add(backend);
        return backend;
    }

    private static void apply(String yaml) {
        for (HasMetadata object : client.load(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
            client.resource(object).createOr(existing -> existing.update());
        }
    }

    private static String service(String name, String portName) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: shop}
                spec:
                  ports: [{name: %s, port: 443, targetPort: %s}]
                ---
                """.formatted(name, portName, portName);
    }

    private static String slice(String service, String name, String portName, EchoBackend backend) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  namespace: shop
                  labels: {kubernetes.io/service-name: %s}
                addressType: IPv4
                ports: [{name: %s, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
                ---
                """.formatted(name, service, portName, backend.address().getPort());
    }

    private static String tlsSecret(String name, IssuedCertificate certificate) {
        return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: shop}\ntype: kubernetes.io/tls\nstringData:\n"
                + "  tls.crt: " + quoted(certificate.chainPem()) + "\n  tls.key: " + quoted(certificate.privateKeyPem()) + "\n";
    }

    private static String ingress(String name, String host, String service, String secret, String annotations) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  namespace: shop
                  annotations:
                    example.com/owner: e2e
                %s
                spec:
                  ingressClassName: portcullis
                %s  rules:
                  - host: %s
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: %s, port: {number: 443}}}}
                """.formatted(name, annotations.stripTrailing(), secret == null ? ""
                : "  tls: [{hosts: [" + host + "], secretName: " + secret + "}]\n", host, service);
    }

    private static String quoted(String pem) {
        return "\"" + pem.replace("\n", "\\n") + "\"";
    }
}
