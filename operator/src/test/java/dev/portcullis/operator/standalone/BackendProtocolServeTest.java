package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.Http2Pod;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * backend-protocol end to end: Ingress manifests through {@code serve} to pods that speak only
 * HTTP/2, in plain text (portcullis.dev/backend-protocol H2C) and over verified TLS (ingress-nginx's
 * backend-protocol GRPCS with its proxy-ssl-* aliases), and a gRPC call with no endpoint to reach.
 */
class BackendProtocolServeTest {

    private static final CertificateAuthority EDGE_CA = CertificateAuthority.create("serve edge CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("serve pod CA", KeyType.EC_P256);
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @TempDir
    static Path directory;
    private static Http2Pod h2cPod;
    private static Http2Pod tlsPod;
    private static ServeCommand serving;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        h2cPod = Http2Pod.start(null, 100);
        IssuedCertificate podCertificate = POD_CA.issueServer(List.of("h2.internal"), KeyType.EC_P256);
        tlsPod = Http2Pod.start(SslContextBuilder.forServer(podCertificate.privateKey(), podCertificate.chain())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build(), 100);
        IssuedCertificate edge = EDGE_CA.issueServer(List.of("h2c.example.test", "h2.example.test",
                "grpc-down.example.test"), KeyType.EC_P256);
        Files.writeString(directory.resolve("h2.yaml"), String.join("---\n",
                StandaloneManifests.service("h2c", h2cPod.address().getPort()), StandaloneManifests.service("tls", tlsPod.address().getPort()),
                StandaloneManifests.serviceWithoutEndpoints("down"),
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: edge-tls
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                """.formatted(StandaloneManifests.base64(edge.chainPem()), StandaloneManifests.base64(edge.privateKeyPem())),
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: pods-ca
                data:
                  ca.crt: %s
                """.formatted(StandaloneManifests.base64(POD_CA.certificatePem())),
                ingress("h2c", List.of("portcullis.dev/backend-protocol: H2C"), "h2c.example.test", "h2c"),
                ingress("grpcs", List.of(NGINX + "backend-protocol: GRPCS", NGINX + "proxy-ssl-secret: default/pods-ca",
                        NGINX + "proxy-ssl-name: h2.internal", NGINX + "proxy-ssl-verify: \"on\""), "h2.example.test", "tls"),
                ingress("down", List.of(NGINX + "backend-protocol: GRPC"), "grpc-down.example.test", "down")));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TestClients.sslContextTrusting(EDGE_CA)).build();
    }

    @AfterAll
    static void stop() {
        serving.close();
        h2cPod.close();
        tlsPod.close();
    }

    @Test
    void translatesWithoutProblems() {
        assertThat(serving.problems()).noneSatisfy(problem -> assertThat(problem.toString()).contains("backend-protocol"));
    }

    @Test
    void anH2cPodAndAVerifiedH2PodAreReached() throws Exception {
        assertThat(get("h2c.example.test", "/echo").body()).contains("protocol: h2", "request: GET /echo");
        assertThat(get("h2.example.test", "/echo").body()).contains("protocol: h2", "x-forwarded-proto: https");
    }

    @Test
    void aGrpcCallWithNoEndpointGetsUnavailableAsAGrpcStatus() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(url("grpc-down.example.test", "/pkg.Svc/Call"))
                .header("content-type", "application/grpc").header("te", "trailers")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/grpc");
        assertThat(response.headers().firstValue("grpc-status")).hasValue("14");
        assertThat(response.headers().firstValue("grpc-message")).hasValueSatisfying(message -> assertThat(message).startsWith("503 "));
        assertThat(response.body()).isEmpty();
    }

    private static URI url(String host, String path) {
        return URI.create("https://" + host + ":" + serving.server().httpsAddress().getPort() + path);
    }

    private static HttpResponse<String> get(String host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(url(host, path)).build(), HttpResponse.BodyHandlers.ofString());
    }


    private static String ingress(String name, List<String> annotations, String host, String service) {
        return StandaloneManifests.ingress(name, host, service, "edge-tls", annotations);
    }

}
