package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.demo.Demo;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo on real manifests: three echo backends on 127.0.0.1, described by Services and
 * EndpointSlices; TLS Secrets made with BouncyCastle; one Ingress for two hosts; all written to a
 * folder the user can read and edit, and served with {@code serve}.
 */
public final class ManifestDemo implements AutoCloseable {

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
        IssuedCertificate app = ca.issueServer(List.of(Demo.APP_HOST), KeyType.EC_P256);
        IssuedCertificate api = ca.issueServer(List.of(Demo.API_HOST), KeyType.RSA_2048);

        Files.createDirectories(directory);
        Files.writeString(directory.resolve("ca.crt"), ca.certificatePem());
        Files.writeString(directory.resolve("backends.yaml"), backendsYaml(backends));
        Files.writeString(directory.resolve("secrets.yaml"),
                secretYaml("app-tls", app) + "---\n" + secretYaml("api-tls", api));
        Files.writeString(directory.resolve("ingress.yaml"), INGRESS);
        ServeCommand serving = ServeCommand.start(directory, listen, Duration.ofMillis(500));
        return new ManifestDemo(backends, serving, directory);
    }

    public List<String> tryLines() {
        List<String> lines = new ArrayList<>(Demo.tryLines(serving.server(), directory.resolve("ca.crt")));
        String ip = serving.server().httpAddress().getAddress().getHostAddress();
        lines.add("curl -si -H 'Host: " + Demo.API_HOST + "' 'http://" + ip + ":" + serving.server().httpAddress().getPort()
                + "/v1/users?page=2'");
        return lines;
    }

    public void printInstructions(PrintStream out) {
        out.println();
        out.println("Portcullis demo is serving the manifests in " + directory.toAbsolutePath() + ". Backends: "
                + backends.stream().map(b -> b.name() + "=" + b.address()).toList());
        out.println("Try (the app host rotates over echo-1, echo-2, echo-3; the api host over echo-2 and echo-3;");
        out.println("app.example.test keeps plain HTTP, api.example.test redirects it to https):");
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

    private static String backendsYaml(List<EchoBackend> backends) {
        StringBuilder yaml = new StringBuilder("""
                # Each echo backend listens on its own port, so each has its own EndpointSlice
                # (a slice's ports apply to all of its endpoints).
                apiVersion: v1
                kind: Service
                metadata:
                  name: echo
                  namespace: default
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: http
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: echo-api
                  namespace: default
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: http
                """);
        for (EchoBackend backend : backends) {
            yaml.append(sliceYaml("echo", backend));
            if (!backend.name().equals("echo-1")) {
                yaml.append(sliceYaml("echo-api", backend));
            }
        }
        return yaml.toString();
    }

    private static String sliceYaml(String service, EchoBackend backend) {
        return """
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-%s
                  namespace: default
                  labels:
                    kubernetes.io/service-name: %s
                addressType: IPv4
                ports:
                - name: http
                  port: %d
                endpoints:
                - addresses: ["%s"]
                  conditions:
                    ready: true
                """.formatted(service, backend.name(), service, backend.address().getPort(),
                backend.address().getAddress().getHostAddress());
    }

    private static String secretYaml(String name, IssuedCertificate certificate) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                  namespace: default
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                """.formatted(name, indent(certificate.chainPem()), indent(certificate.privateKeyPem()));
    }

    private static String indent(String pem) {
        return pem.lines().map(line -> "    " + line).reduce((a, b) -> a + "\n" + b).orElse("");
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
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: api
              namespace: default
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
                        name: echo-api
                        port:
                          name: http
                  - path: /healthz
                    pathType: Exact
                    backend:
                      service:
                        name: echo
                        port:
                          number: 80
            """;
}
