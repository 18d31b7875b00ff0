package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo on real manifests, one host in each TLS mode: {@code app.example.test} terminated
 * (three plain echo backends), {@code api.example.test} re-encrypted to a TLS echo pod verified
 * against the pods' CA, and {@code secure.example.test} passed through to a TLS echo pod that
 * receives a PROXY v2 header. Services, EndpointSlices, Secrets (made with BouncyCastle) and
 * Ingresses are written to a folder the user can read and edit, and served with {@code serve}.
 */
public final class ManifestDemo implements AutoCloseable {

    public static final String PASSTHROUGH_HOST = "secure.example.test";

    private final List<EchoBackend> backends;
    private final ServeCommand serving;
    private final Path directory;

    private ManifestDemo(List<EchoBackend> backends, ServeCommand serving, Path directory) {
        this.backends = backends;
        this.serving = serving;
        this.directory = directory;
    }

    public static ManifestDemo start(Path directory, DataPlaneServer.Listen listen) throws IOException, InterruptedException {
        List<EchoBackend> backends = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            backends.add(EchoBackend.start("echo-" + i, "127.0.0.1", 0));
        }
        CertificateAuthority ca = CertificateAuthority.create("Portcullis demo CA", KeyType.EC_P256);
        IssuedCertificate app = ca.issueServer(List.of(DemoLines.APP_HOST), KeyType.EC_P256);
        IssuedCertificate api = ca.issueServer(List.of(DemoLines.API_HOST), KeyType.RSA_2048);
        CertificateAuthority podCa = CertificateAuthority.create("Portcullis demo pod CA", KeyType.EC_P256);
        EchoBackend tlsPod = tlsPod("tls-pod", podCa.issueServer(List.of("api.internal"), KeyType.EC_P256), false);
        EchoBackend passthroughPod = tlsPod("passthrough-pod",
                podCa.issueServer(List.of(PASSTHROUGH_HOST), KeyType.EC_P256), true);
        backends.add(tlsPod);
        backends.add(passthroughPod);

        Files.createDirectories(directory);
        Files.writeString(directory.resolve("ca.crt"), ca.certificatePem());
        Files.writeString(directory.resolve("pod-ca.crt"), podCa.certificatePem());
        Files.writeString(directory.resolve("backends.yaml"), DemoManifests.yaml(backends(backends.subList(0, 3),
                tlsPod, passthroughPod)));
        Files.writeString(directory.resolve("secrets.yaml"), DemoManifests.yaml(List.of(DemoManifests.tlsSecret("app-tls", app),
                DemoManifests.tlsSecret("api-tls", api), DemoManifests.caSecret("pods-ca", podCa))));
        Files.writeString(directory.resolve("ingress.yaml"), INGRESS);
        ServeCommand serving = ServeCommand.start(directory, listen, Duration.ofMillis(500));
        return new ManifestDemo(backends, serving, directory);
    }

    private static EchoBackend tlsPod(String name, IssuedCertificate certificate, boolean proxyProtocol)
            throws IOException, InterruptedException {
        return EchoBackend.start(name, "127.0.0.1", 0,
                SslContextBuilder.forServer(certificate.privateKey(), certificate.chain()).build(), proxyProtocol);
    }

    public List<String> tryLines() {
        List<String> lines = new ArrayList<>(DemoLines.tryLines(serving.server(), directory.resolve("ca.crt")));
        String ip = serving.server().httpAddress().getAddress().getHostAddress();
        int https = serving.server().httpsAddress().getPort();
        String podCa = directory.resolve("pod-ca.crt").toAbsolutePath().toString();
        lines.add("curl --cacert " + podCa + " --resolve " + PASSTHROUGH_HOST + ":" + https + ":" + ip
                + " https://" + PASSTHROUGH_HOST + ":" + https + "/");
        lines.add("openssl s_client -connect " + ip + ":" + https + " -servername " + PASSTHROUGH_HOST
                + " -CAfile " + podCa + " -brief </dev/null");
        lines.add("curl -si -H 'Host: " + DemoLines.API_HOST + "' 'http://" + ip + ":" + serving.server().httpAddress().getPort()
                + "/v1/users?page=2'");
        return lines;
    }

    public void printInstructions(PrintStream out) {
        out.println();
        out.println("Portcullis demo is serving the manifests in " + directory.toAbsolutePath() + ". Backends: "
                + backends.stream().map(b -> b.name() + "=" + b.address()).toList());
        out.println("Try: app.example.test is terminated (it rotates over echo-1, echo-2, echo-3 and keeps plain HTTP);");
        out.println("api.example.test is re-encrypted to tls-pod, verified against pod-ca.crt (plain HTTP redirects to https);");
        out.println("secure.example.test is passed through: the client sees the pod's own certificate, and the pod shows");
        out.println("the PROXY v2 header it received.");
        tryLines().forEach(line -> out.println("  " + line));
        out.println("Edit the YAML files there and save: changes are applied without dropping a connection.");
        out.println("Check them without serving: java -jar operator/target/portcullis.jar check -f "
                + directory.toAbsolutePath());
        out.println("Ctrl-C stops.");
    }

    @Override
    public void close() {
        serving.close();
        backends.forEach(EchoBackend::close);
    }

    /** echo (all three) and echo-api (the last two) in plain HTTP; the TLS pods api-pods and vault. */
    private static List<HasMetadata> backends(List<EchoBackend> echoes, EchoBackend tlsPod, EchoBackend passthroughPod) {
        List<HasMetadata> objects = new ArrayList<>(List.of(DemoManifests.service("echo", "http", 80),
                DemoManifests.service("echo-api", "http", 80)));
        for (EchoBackend backend : echoes) {
            objects.add(DemoManifests.slice("echo", "http", backend));
            if (!backend.name().equals("echo-1")) {
                objects.add(DemoManifests.slice("echo-api", "http", backend));
            }
        }
        objects.add(DemoManifests.service("api-pods", "https", 443));
        objects.add(DemoManifests.slice("api-pods", "https", tlsPod));
        objects.add(DemoManifests.service("vault", "https", 443));
        objects.add(DemoManifests.slice("vault", "https", passthroughPod));
        return objects;
    }

    private static final String INGRESS = """
            # Served by Portcullis's implicit default IngressClass in standalone mode.
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: app
              namespace: default
              annotations:
                portcullis.dev/ssl-redirect: "false"
            spec:
              tls:
              - hosts: [app.example.test]
                secretName: app-tls
              rules:
              - host: app.example.test
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: echo
                        port:
                          number: 80
            ---
            # Re-encrypted: TLS ends here, and a new TLS connection, verified against pods-ca, goes to the pod.
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: api
              namespace: default
              annotations:
                portcullis.dev/tls-mode: reencrypt
                portcullis.dev/backend-ca-secret: pods-ca
                portcullis.dev/backend-server-name: api.internal
            spec:
              tls:
              - hosts: [api.example.test]
                secretName: api-tls
              rules:
              - host: api.example.test
                http:
                  paths:
                  - path: /v1
                    pathType: Prefix
                    backend:
                      service:
                        name: api-pods
                        port:
                          name: https
                  - path: /healthz
                    pathType: Exact
                    backend:
                      service:
                        name: api-pods
                        port:
                          number: 443
            ---
            # Passed through: the proxy reads only the SNI; the pod terminates TLS and gets a PROXY v2 header.
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: vault
              namespace: default
              annotations:
                portcullis.dev/tls-mode: passthrough
                portcullis.dev/proxy-protocol: v2
            spec:
              rules:
              - host: secure.example.test
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: vault
                        port:
                          number: 443
            """;
}
