package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.TestClients;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.translate.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
import static org.awaitility.Awaitility.await;

/**
 * cert-manager's HTTP-01 challenge through {@code serve}, real sockets and a real data plane: the
 * manifests are the objects cert-manager writes (the user's Ingress with ingress-shim annotations
 * and a tls Secret that does not exist yet; the solver's Service, and its solver Ingress or the
 * challenge path it adds to the user's Ingress in place), and the solver answers as cert-manager's
 * acmesolver does. The CA's request, {@code http://<host>/.well-known/acme-challenge/<token>}, must
 * get the key with a 200 over plain HTTP, never a redirect, before and after the certificate exists.
 */
class CertManagerHttp01Test {

    private static final CertificateAuthority CA = CertificateAuthority.create("letsencrypt stand-in", KeyType.EC_P256);
    private static final String HOST = "shop.example.test";
    private static final String THUMBPRINT = "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    @TempDir
    Path directory;
    private EchoBackend shop;
    private ServeCommand serving;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        shop = EchoBackend.start("shop", "127.0.0.1", 0);
        client = TestClients.trusting(CA); // follows no redirect: a 308 is seen as a 308
    }

    @AfterEach
    void stop() {
        if (serving != null) {
            serving.close();
        }
        shop.close();
    }

    @Test
    void solverIngressAnswersOverPlainHttpBeforeIssuanceAndAtRenewalWhileOtherPathsAreRedirected() throws Exception {
        try (AcmeHttp01Solver first = AcmeHttp01Solver.start(HOST, "gP6pT0Xc9nUWDKbTPdGKx3hRvC-SNjR1dxQ5Fh9dY1o", THUMBPRINT);
             AcmeHttp01Solver renewal = AcmeHttp01Solver.start(HOST, "Zm9yLXJlbmV3YWwtb2Ytc2hvcC1leGFtcGxlLXRlc3Q", THUMBPRINT)) {
            Files.writeString(directory.resolve("shop.yaml"), appService(shop) + "---\n" + userIngress(""));
            // The ClusterIssuer's solver says http01.ingress.class: portcullis.
            Files.writeString(directory.resolve("challenge.yaml"), solverService(first) + "---\n"
                    + solverIngress("cm-acme-http-solver-q7xlv", first, "annotation", "Exact"));
            serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(100));

            // Before issuance: shop-tls does not exist, the host is on the default certificate.
            assertChallengeAnswered(first);
            assertRedirected("/cart");
            assertRedirected("/.well-known/acme-challenge/not-the-token");
            assertThat(serving.problems()).extracting(Problem::toString)
                    .containsExactly("shop/shop: SecretNotFound: secret shop/shop-tls does not exist; " + HOST
                            + " is served with the default certificate");

            // cert-manager stores the issued certificate; the https side picks it up.
            IssuedCertificate issued = CA.issueServer(List.of(HOST), KeyType.EC_P256);
            Files.writeString(directory.resolve("shop-tls.yaml"), tlsSecret(issued));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> get("https", "/cart").body().contains("backend: shop"));
            assertThat(serving.problems()).isEmpty();
            assertChallengeAnswered(first);
            assertRedirected("/cart");

            // The challenge is valid: cert-manager deletes the solver Ingress and Service. With no
            // challenge route left, the challenge path is redirected like every other path.
            Files.delete(directory.resolve("challenge.yaml"));
            await().atMost(Duration.ofSeconds(10)).until(() -> get("http", challengePath(first)).statusCode() == 308);

            // Renewal, with a solver that says http01.ingress.ingressClassName: portcullis, on a cert-manager
            // whose ACMEHTTP01IngressPathTypeExact gate is off (pathType ImplementationSpecific).
            Files.writeString(directory.resolve("challenge.yaml"), solverService(renewal) + "---\n"
                    + solverIngress("cm-acme-http-solver-z9d4c", renewal, "ingressClassName", "ImplementationSpecific"));
            await().atMost(Duration.ofSeconds(10)).until(() -> get("http", challengePath(renewal)).statusCode() == 200);
            assertChallengeAnswered(renewal);
            assertRedirected("/cart");
            assertThat(get("https", "/cart").body()).contains("backend: shop");
            assertThat(serving.problems()).isEmpty();
        }
    }

    @Test
    void challengePathAddedInPlaceToTheUserIngressAnswersOverPlainHttp() throws Exception {
        try (AcmeHttp01Solver solver = AcmeHttp01Solver.start(HOST, "q2w_E4r5T6y7U8i9O0p-A1s2D3f4G5h6J7k8L9zXc0v", THUMBPRINT)) {
            // acme.cert-manager.io/http01-edit-in-place: cert-manager puts the challenge path first
            // among the paths of the user's own rule for the host, tls section and all.
            String challengePath = """
                          - path: %s
                            pathType: Exact
                            backend:
                              service:
                                name: cm-acme-http-solver-8hx2k
                                port:
                                  number: 8089
                    """.formatted(challengePath(solver));
            Files.writeString(directory.resolve("shop.yaml"), appService(shop) + "---\n" + solverService(solver) + "---\n"
                    + userIngress(challengePath).replace("    cert-manager.io/cluster-issuer: letsencrypt\n",
                            "    cert-manager.io/issuer: letsencrypt-staging\n    acme.cert-manager.io/http01-edit-in-place: \"true\"\n"));
            serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(100));

            assertChallengeAnswered(solver);
            assertRedirected("/");
            assertRedirected("/cart");
            assertThat(serving.problems()).extracting(Problem::reason).containsExactly("SecretNotFound");
        }
    }

    @Test
    void solverIngressOnAHostReencryptedToItsPodsAnswersOverPlainHttp() throws Exception {
        CertificateAuthority podCa = CertificateAuthority.create("pods CA", KeyType.EC_P256);
        IssuedCertificate podCertificate = podCa.issueServer(List.of("shop.internal"), KeyType.EC_P256);
        try (EchoBackend pod = EchoBackend.start("shop-tls-pod", "127.0.0.1", 0, io.netty.handler.ssl.SslContextBuilder
                .forServer(podCertificate.privateKey(), podCertificate.chain()).build(), false);
             AcmeHttp01Solver solver = AcmeHttp01Solver.start(HOST, "gP6pT0Xc9nUWDKbTPdGKx3hRvC-SNjR1dxQ5Fh9dY1o", THUMBPRINT)) {
            String reencrypt = "    portcullis.dev/tls-mode: reencrypt\n    portcullis.dev/backend-ca-secret: pods-ca\n"
                    + "    portcullis.dev/backend-server-name: shop.internal\n";
            Files.writeString(directory.resolve("shop.yaml"), appService(pod) + "---\n"
                    + "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pods-ca\n  namespace: shop\ndata:\n  ca.crt: "
                    + StandaloneManifests.base64(podCa.certificatePem()) + "\n---\n"
                    + userIngress("").replace("    cert-manager.io/cluster-issuer: letsencrypt\n",
                            "    cert-manager.io/cluster-issuer: letsencrypt\n" + reencrypt)
                    + "---\n" + tlsSecret(CA.issueServer(List.of(HOST), KeyType.EC_P256)));
            Files.writeString(directory.resolve("challenge.yaml"), solverService(solver) + "---\n"
                    + solverIngress("cm-acme-http-solver-q7xlv", solver, "ingressClassName", "Exact"));
            serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofMillis(100));

            assertChallengeAnswered(solver);
            assertRedirected("/cart");
            assertThat(get("https", "/cart").body()).contains("backend: shop-tls-pod");
            assertThat(serving.problems()).isEmpty();
        }
    }

    /** The CA's validation request: 200 with the key authorization over plain HTTP, no redirect. */
    private void assertChallengeAnswered(AcmeHttp01Solver solver) throws Exception {
        int before = solver.answered();
        HttpResponse<String> response = get("http", challengePath(solver));
        assertThat(response.statusCode()).as("plain-HTTP challenge request").isEqualTo(200);
        assertThat(response.body()).isEqualTo(solver.key());
        assertThat(response.headers().firstValue("location")).isEmpty();
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache, no-store, must-revalidate");
        assertThat(solver.answered()).as("the solver saw the request with its host and path").isEqualTo(before + 1);
    }

    private void assertRedirected(String path) throws Exception {
        HttpResponse<String> response = get("http", path);
        assertThat(response.statusCode()).as("plain HTTP %s", path).isEqualTo(308);
        assertThat(response.headers().firstValue("location"))
                .hasValue("https://" + HOST + ":" + serving.server().httpsAddress().getPort() + path);
    }

    private HttpResponse<String> get(String scheme, String path) throws IOException, InterruptedException {
        int port = scheme.equals("https") ? serving.server().httpsAddress().getPort() : serving.server().httpAddress().getPort();
        return client.send(HttpRequest.newBuilder(URI.create(scheme + "://" + HOST + ":" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String challengePath(AcmeHttp01Solver solver) {
        return AcmeHttp01Solver.CHALLENGE_PATH + "/" + solver.token();
    }

    private static String appService(EchoBackend app) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: shop
                  namespace: shop
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: shop-x7k2p
                  namespace: shop
                  labels:
                    kubernetes.io/service-name: shop
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                endpoints:
                - addresses: ["127.0.0.1"]
                  conditions:
                    ready: true
                """.formatted(app.address().getPort());
    }

    /** The user's Ingress as the README shows it; {@code extraPaths} go first in its rule (edit-in-place). */
    private static String userIngress(String extraPaths) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  namespace: shop
                  annotations:
                    cert-manager.io/cluster-issuer: letsencrypt
                    cert-manager.io/common-name: shop.example.test
                    cert-manager.io/private-key-algorithm: ECDSA
                spec:
                  ingressClassName: portcullis
                  tls:
                  - hosts:
                    - shop.example.test
                    secretName: shop-tls
                  rules:
                  - host: shop.example.test
                    http:
                      paths:
                %s      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: shop
                            port:
                              number: 80
                """.formatted(extraPaths);
    }

    /**
     * The solver pod's Service as cert-manager creates it (pkg/issuer/acme/http/service.go): NodePort,
     * port 8089 named http; its EndpointSlice publishes the pod's port under that name.
     */
    private static String solverService(AcmeHttp01Solver solver) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: cm-acme-http-solver-8hx2k
                  namespace: shop
                  labels:
                    acme.cert-manager.io/http-domain: "1019152067"
                    acme.cert-manager.io/http01-solver: "true"
                  annotations:
                    auth.istio.io/8089: NONE
                spec:
                  type: NodePort
                  ports:
                  - name: http
                    port: 8089
                    targetPort: 8089
                  selector:
                    acme.cert-manager.io/http-domain: "1019152067"
                    acme.cert-manager.io/http01-solver: "true"
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: cm-acme-http-solver-8hx2k-m4q2z
                  namespace: shop
                  labels:
                    kubernetes.io/service-name: cm-acme-http-solver-8hx2k
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                endpoints:
                - addresses: ["127.0.0.1"]
                  conditions:
                    ready: true
                """.formatted(solver.port());
    }

    /**
     * The solver Ingress as cert-manager creates it (pkg/issuer/acme/http/ingress.go,
     * buildIngressResource): generated name, the solver labels, the all-addresses
     * whitelist-source-range, the class as the legacy annotation (solver {@code class}) or as
     * {@code ingressClassName} (solver {@code ingressClassName}), one path, no tls section.
     */
    private static String solverIngress(String name, AcmeHttp01Solver solver, String classBy, String pathType) {
        String classAnnotation = classBy.equals("annotation") ? "    kubernetes.io/ingress.class: portcullis\n" : "";
        String className = classBy.equals("ingressClassName") ? "  ingressClassName: portcullis\n" : "";
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  generateName: cm-acme-http-solver-
                  namespace: shop
                  labels:
                    acme.cert-manager.io/http-domain: "1019152067"
                    acme.cert-manager.io/http01-solver: "true"
                  annotations:
                %s    nginx.ingress.kubernetes.io/whitelist-source-range: 0.0.0.0/0,::/0
                  ownerReferences:
                  - apiVersion: acme.cert-manager.io/v1
                    kind: Challenge
                    name: shop-tls-1-2746330457-3392178935
                    uid: 5d8a3a8e-0c47-4c4f-9a1e-1d1c7f0b2a11
                    controller: true
                    blockOwnerDeletion: true
                spec:
                %s  rules:
                  - host: shop.example.test
                    http:
                      paths:
                      - path: %s
                        pathType: %s
                        backend:
                          service:
                            name: cm-acme-http-solver-8hx2k
                            port:
                              number: 8089
                """.formatted(name, classAnnotation, className, challengePath(solver), pathType);
    }

    /** The Secret cert-manager writes once the certificate is issued. */
    private static String tlsSecret(IssuedCertificate certificate) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: shop-tls
                  namespace: shop
                  annotations:
                    cert-manager.io/certificate-name: shop-tls
                    cert-manager.io/issuer-kind: ClusterIssuer
                    cert-manager.io/issuer-name: letsencrypt
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                """.formatted(StandaloneManifests.base64(certificate.chainPem()), StandaloneManifests.base64(certificate.privateKeyPem()));
    }

}
