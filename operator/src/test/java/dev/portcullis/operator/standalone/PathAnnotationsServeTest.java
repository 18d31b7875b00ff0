package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingress-nginx path annotations end to end: Ingress manifests through {@code serve} (translation,
 * snapshot, data plane) to real backends over real sockets.
 */
class PathAnnotationsServeTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("paths CA", KeyType.EC_P256);
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path directory;
    private static EchoBackend app;
    private static EchoBackend other;
    private static ServeCommand serving;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        app = EchoBackend.start("app", "127.0.0.1", 0);
        other = EchoBackend.start("other", "127.0.0.1", 0);
        IssuedCertificate secure = CA.issueServer(List.of("secure.example.test"), KeyType.EC_P256);
        Files.writeString(directory.resolve("paths.yaml"), String.join("---\n",
                service("app", app), service("other", other),
                ingress("rewrite", List.of(NGINX + "use-regex: \"true\"", NGINX + "rewrite-target: /$2",
                        NGINX + "x-forwarded-prefix: /something"), "rewrite.example.test",
                        "/something(/|$)(.*)", "ImplementationSpecific", "app", null),
                ingress("rest", List.of(), "rewrite.example.test", "/", "Prefix", "other", null),
                ingress("approot", List.of(NGINX + "app-root: /app1"), "approot.example.test", "/", "Prefix", "app", null),
                ingress("moved", List.of(NGINX + "permanent-redirect: https://new.example.org$request_uri",
                        NGINX + "permanent-redirect-code: \"308\""), "moved.example.test", "/", "Prefix", "app", null),
                ingress("temporal", List.of(NGINX + "temporal-redirect: https://status.example.org/"),
                        "temporal.example.test", "/", "Prefix", "app", null),
                ingress("broken", List.of(NGINX + "use-regex: \"true\""), "shop.example.test", "/broken/(",
                        "ImplementationSpecific", "app", null),
                ingress("shop", List.of(), "shop.example.test", "/", "Prefix", "other", null),
                secret("secure-tls", secure),
                ingress("secure", List.of(NGINX + "ssl-redirect: \"false\""), "secure.example.test", "/", "Prefix", "app",
                        "secure-tls")));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1));
        client = TestClients.trusting(CA);
    }

    @AfterAll
    static void stop() {
        serving.close();
        app.close();
        other.close();
    }

    @Test
    void rewriteTargetAndXForwardedPrefixReachThePod() throws Exception {
        String body = get("http", "rewrite.example.test", "/something/new?page=2").body();
        assertThat(body).contains("backend: app", "request: GET /new?page=2 HTTP/1.1", "  x-forwarded-prefix: /something\n");
        assertThat(get("http", "rewrite.example.test", "/SOMETHING").body()).contains("request: GET / HTTP/1.1");
        assertThat(get("http", "rewrite.example.test", "/else/where").body())
                .contains("backend: other", "request: GET /else/where HTTP/1.1").doesNotContain("x-forwarded-prefix");
    }

    @Test
    void appRootAndRedirectsAnswerWithTheirCodes() throws Exception {
        HttpResponse<String> root = get("http", "approot.example.test", "/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("location"))
                .hasValue("http://approot.example.test:" + serving.server().httpAddress().getPort() + "/app1");
        HttpResponse<String> moved = get("http", "moved.example.test", "/a?b=c");
        assertThat(moved.statusCode()).isEqualTo(308);
        assertThat(moved.headers().firstValue("location")).hasValue("https://new.example.org/a?b=c");
        HttpResponse<String> temporal = get("http", "temporal.example.test", "/x");
        assertThat(temporal.statusCode()).isEqualTo(302);
        assertThat(temporal.headers().firstValue("location")).hasValue("https://status.example.org/");
    }

    @Test
    void anInvalidRegexIsAProblemOfItsIngressAndNothingElseChanges() throws Exception {
        assertThat(serving.problems()).anySatisfy(problem ->
                assertThat(problem.toString()).startsWith("default/broken: InvalidPathRegex: host shop.example.test path /broken/("));
        assertThat(get("http", "shop.example.test", "/broken/x").body()).contains("backend: other");
    }

    @Test
    void sslRedirectFalseKeepsPlainHttpForItsTlsHost() throws Exception {
        assertThat(get("http", "secure.example.test", "/x").body()).contains("backend: app");
        assertThat(get("https", "secure.example.test", "/x").body()).contains("backend: app");
    }

    private static HttpResponse<String> get(String scheme, String host, String path) throws Exception {
        int port = scheme.equals("https") ? serving.server().httpsAddress().getPort() : serving.server().httpAddress().getPort();
        return client.send(HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String service(String name, EchoBackend backend) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: web
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-1
                  labels:
                    kubernetes.io/service-name: %s
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                endpoints:
                - addresses: ["127.0.0.1"]
                """.formatted(name, name, name, backend.address().getPort());
    }

    private static String secret(String name, IssuedCertificate certificate) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                """.formatted(name, base64(certificate.chainPem()), base64(certificate.privateKeyPem()));
    }

    private static String ingress(String name, List<String> annotations, String host, String path, String pathType,
                                  String service, String secret) {
        String annotationLines = annotations.isEmpty() ? "" : "  annotations:\n"
                + annotations.stream().map(line -> "    " + line + "\n").reduce("", String::concat);
        String tls = secret == null ? "" : "  tls:\n  - hosts: [" + host + "]\n    secretName: " + secret + "\n";
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                %sspec:
                %s  rules:
                  - host: %s
                    http:
                      paths:
                      - path: "%s"
                        pathType: %s
                        backend:
                          service:
                            name: %s
                            port:
                              name: http
                """.formatted(name, annotationLines, tls, host, path, pathType, service);
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
