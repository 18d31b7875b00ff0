package dev.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.testkit.KubeBinaries;
import dev.portcullis.testkit.NetworkNamespaceHost;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The images of {@code ./mvnw -Pimages verify}, loaded into podman and run as the chart and the
 * DataPlane reconciler run them: the operator container under the chart's ServiceAccount against a
 * real API server, the data plane container non-root with a read-only root filesystem, no
 * capabilities and its client certificate mounted read-only, and an Ingress served through both to
 * a pod in a network namespace. Containers share the host's network, so everything listens on
 * 127.0.0.1.
 */
@RealApiServerTest(controllerManager = true)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ContainerImagesTest {

    private static final Path DATA_PLANE_IMAGE = Path.of("../dataplane/target/portcullis-dataplane-image.tar");
    private static final Path OPERATOR_IMAGE = Path.of("../operator/target/portcullis-operator-image.tar");
    private static final String DATA_PLANE = "ghcr.io/portcullis/portcullis-dataplane:0.1.0";
    private static final String OPERATOR = "ghcr.io/portcullis/portcullis-operator:0.1.0";
    private static final String NAMESPACE = "portcullis";
    private static final long HUNDRED_MB = 100L * 1000 * 1000;
    private static final CertificateAuthority SITE_CA = CertificateAuthority.create("site CA", KeyType.EC_P256);

    static RealApiServer server;

    private static Path work;
    private static Podman podman;
    private static KubernetesClient admin;
    private static NetworkNamespaceHost pod;
    private static int channelPort;
    private static int metricsPort;
    private static int httpsPort;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a class-level @Timeout does not cover lifecycle methods
    static void start() throws Exception {
        if (!Files.exists(DATA_PLANE_IMAGE) || !Files.exists(OPERATOR_IMAGE)) {
            throw new KubeBinaries.Unavailable("the images are not built: run ./mvnw -Pimages verify").skipOrFail();
        }
        work = Files.createTempDirectory(Path.of("target"), "containers").toAbsolutePath();
        try {
            podman = Podman.start(work.resolve("podman"));
            pod = NetworkNamespaceHost.create();
        } catch (KubeBinaries.Unavailable e) {
            throw e.skipOrFail();
        }
        assertThat(podman.load(DATA_PLANE_IMAGE)).contains(DATA_PLANE);
        assertThat(podman.load(OPERATOR_IMAGE)).contains(OPERATOR);

        pod.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PodEcho.class.getName(), "pod-1", "8080"), work.resolve("pod-1.log"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(pod.address(), 8080), 1000);
                return true;
            }
        });

        admin = server.adminClient();
        Path adminKubeconfig = Files.writeString(work.resolve("admin.kubeconfig"), server.adminKubeconfig());
        new Helm(Path.of("../charts/portcullis")).install().withName("portcullis").withNamespace(NAMESPACE)
                .createNamespace().withKubeConfig(adminKubeconfig).call();

        startOperator();
        startDataPlane();
    }

    @AfterAll
    static void stop() {
        if (podman != null) {
            podman.close();
        }
        if (pod != null) {
            pod.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void eachImageIsUnder100MbAndRunsAsANonRootUserWithNoShell() throws Exception {
        for (Path image : List.of(DATA_PLANE_IMAGE, OPERATOR_IMAGE)) {
            assertThat(Files.size(image)).as("%s", image).isLessThan(HUNDRED_MB);
        }
        for (String image : List.of(DATA_PLANE, OPERATOR)) {
            JsonNode config = new ObjectMapper().readTree(podman.run(List.of("image", "inspect", image))).get(0).path("Config");
            assertThat(config.path("User").asText()).isEqualTo("65532:65532");
            assertThat(config.path("Entrypoint").toString())
                    .contains("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                            "-XX:+ExitOnOutOfMemoryError");
            assertThat(podman.tryRun(List.of("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image, "-c", "true"))
                    .exitCode()).as("%s has no shell", image).isNotZero();
        }
    }

    @Test
    void anIngressIsServedThroughTheContainersToAPod() throws Exception {
        apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: web-1
                  namespace: shop
                  labels: {kubernetes.io/service-name: web}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints: [{addresses: ["%s"], conditions: {ready: true}}]
                """.formatted(pod.address()));
        var certificate = SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256);
        apply("apiVersion: v1\nkind: Secret\nmetadata: {name: shop-tls, namespace: shop}\ntype: kubernetes.io/tls\n"
                + "data:\n  tls.crt: " + base64(certificate.chainPem()) + "\n  tls.key: " + base64(certificate.privateKeyPem()) + "\n");
        apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: shop}
                spec:
                  ingressClassName: portcullis
                  tls: [{hosts: ["shop.example.test"], secretName: shop-tls}]
                  rules:
                    - host: shop.example.test
                      http:
                        paths:
                          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """);

        await().atMost(Duration.ofSeconds(60)).until(() -> curl("shop.example.test").contains("backend: pod-1"));
        assertThat(curl("shop.example.test")).contains("x-forwarded-proto: https");
    }

    @Test
    void bothProcessesFoundEveryFlagTheyNeedAndTheirNativeLibraries() {
        String operatorLog = podman.run(List.of("logs", "operator"));
        String dataPlaneLog = podman.run(List.of("logs", "dataplane"));
        assertThat(operatorLog).contains("operator runtime: Java 25").doesNotContain("WARN RuntimeCheck");
        // The data plane image's AOT cache (images/image-extras.sh) fits the image's own class path and runtime,
        // and BouncyCastle is unsigned there (RuntimeCheck warns of a signed one).
        assertThat(dataPlaneLog).contains("data plane runtime: Java 25", "epoll transport, TLS by BoringSSL, AOT cache /app/portcullis.aot")
                .doesNotContain("WARN RuntimeCheck");
        assertThat(podman.run(List.of("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}", "dataplane")))
                .isEqualTo("true 65532:65532");
    }

    /** The operator as the chart's Deployment runs it: its ServiceAccount's token, a read-only root, /tmp writable. */
    private static void startOperator() throws Exception {
        String token = server.serviceAccountToken(NAMESPACE, "portcullis-operator");
        Path kubeconfig = Files.writeString(work.resolve("operator.kubeconfig"), server.kubeconfig(token, "portcullis-operator"));
        Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
        channelPort = FreePorts.next();
        metricsPort = FreePorts.next();
        List<String> run = new ArrayList<>(hardened("operator"));
        run.addAll(List.of("--env", "KUBECONFIG=/etc/portcullis/kubeconfig", "--env", "HOSTNAME=operator-0",
                "--volume", kubeconfig + ":/etc/portcullis/kubeconfig:ro",
                OPERATOR, "run", "--namespace=" + NAMESPACE, "--service-name=portcullis-operator",
                "--dataplane-service=portcullis-dataplane", "--leader-election=true",
                "--channel-bind=127.0.0.1", "--channel-port=" + channelPort, "--metrics-port=" + metricsPort));
        podman.run(run);
        await().atMost(Duration.ofSeconds(180)).ignoreExceptions().until(() -> {
            assertThat(podman.run(List.of("inspect", "--format", "{{.State.Running}}", "operator")))
                    .as("operator container: %s", podman.tryRun(List.of("logs", "operator")).output()).isEqualTo("true");
            return Processes.run(List.of("curl", "-sf", "http://127.0.0.1:" + metricsPort + "/healthz"), null).exitCode() == 0;
        });
    }

    /** The data plane as the DataPlane reconciler's Deployment runs it. */
    private static void startDataPlane() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                admin.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get() != null);
        Secret secret = admin.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get();
        Path certificates = Files.createDirectories(work.resolve("client-cert"));
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Path file = Files.write(certificates.resolve(key), Base64.getDecoder().decode(secret.getData().get(key)));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        httpsPort = FreePorts.next();
        int adminPort = FreePorts.next();
        List<String> run = new ArrayList<>(hardened("dataplane"));
        run.addAll(List.of("--volume", certificates + ":/etc/portcullis/client:ro",
                DATA_PLANE, "--control-plane", "https://localhost:" + channelPort, "--client-cert", "/etc/portcullis/client",
                "--bind", "127.0.0.1", "--http-port", String.valueOf(FreePorts.next()),
                "--https-port", String.valueOf(httpsPort), "--admin-port", String.valueOf(adminPort)));
        podman.run(run);
        await().atMost(Duration.ofSeconds(180)).ignoreExceptions().until(() -> {
            assertThat(podman.run(List.of("inspect", "--format", "{{.State.Running}}", "dataplane")))
                    .as("data plane container: %s", podman.tryRun(List.of("logs", "dataplane")).output()).isEqualTo("true");
            return Processes.run(List.of("curl", "-sf", "http://127.0.0.1:" + adminPort + "/readyz"), null).exitCode() == 0;
        });
    }

    /** The pods' security context: the image's user, no capabilities, no new privileges, read-only root, /tmp an emptyDir. */
    private static List<String> hardened(String name) {
        return List.of("run", "--detach", "--name", name, "--network", "host", "--read-only",
                "--tmpfs", "/tmp:rw,mode=1777", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--memory", "512m");
    }

    private static String curl(String host) throws Exception {
        Path ca = work.resolve("site-ca.pem");
        if (!Files.exists(ca)) {
            Files.writeString(ca, SITE_CA.certificatePem());
        }
        return Processes.run(List.of("curl", "-sS", "--max-time", "5", "--cacert", ca.toString(), "--resolve",
                host + ":" + httpsPort + ":127.0.0.1", "https://" + host + ":" + httpsPort + "/"), null).stdout();
    }

    private static void apply(String yaml) {
        admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
