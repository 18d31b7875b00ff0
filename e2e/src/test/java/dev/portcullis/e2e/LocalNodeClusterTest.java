package dev.portcullis.e2e;

import com.marcnuri.helm.Helm;
import dev.portcullis.dataplane.testsupport.ClientPki;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.testkit.LocalNode;
import dev.portcullis.testkit.LocalNodeTest;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code helm install} of the chart with the project's own images on a whole local node
 * ({@link LocalNode}: kubelet, containerd, kube-proxy, CoreDNS; no Docker engine), then traffic
 * from this host through the data plane Service's ClusterIP to echo pods, in every TLS mode and
 * under faults with a steady load. {@link K3sClusterTest} checks the install on k3s where a Docker
 * engine exists; the scenarios here need the host to reach cluster addresses.
 */
@LocalNodeTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LocalNodeClusterTest {

    private static final String NAMESPACE = "portcullis";
    private static final String PUBLISHED = "203.0.113.7";
    private static final CertificateAuthority SITE_CA = CertificateAuthority.create("site CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("pod CA", KeyType.EC_P256);
    private static final List<Path> IMAGES = List.of(Path.of("../operator/target/portcullis-operator-image.tar"),
            Path.of("../dataplane/target/portcullis-dataplane-image.tar"),
            Path.of("../dataplane/target/portcullis-test-echo-image.tar"));

    /** The data plane container's TLS port (the Service's 443 targets it). */
    private static final int DATA_PLANE_HTTPS_PORT = 8443;

    static LocalNode node;

    private static KubernetesClient client;
    private static Path work;
    private static String dataPlaneIp;
    private static final List<String> FIGURES = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a class-level @Timeout does not cover lifecycle methods
    static void install() throws Exception {
        for (Path image : IMAGES) {
            assertThat(image).as("built by ./mvnw -Pimages verify").exists();
        }
        figure("node started and Ready", node.startMillis());
        work = Files.createTempDirectory(Path.of("target"), "local-node-e2e").toAbsolutePath();
        Files.writeString(work.resolve("site-ca.pem"), SITE_CA.certificatePem());
        Files.writeString(work.resolve("pod-ca.pem"), POD_CA.certificatePem());
        client = node.adminClient();

        long importing = System.nanoTime();
        IMAGES.forEach(node::importImage);
        figure("three images imported", millisSince(importing));

        long installing = System.nanoTime();
        new Helm(Path.of("../charts/portcullis")).install().withName("portcullis").withNamespace(NAMESPACE)
                .createNamespace().withKubeConfig(node.kubeconfig())
                .set("operator.publishAddress", PUBLISHED)
                .set("dataPlane.service.type", "ClusterIP")
                .call();
        deployEchoPods();
        applyIngresses();
        try {
            dataPlaneIp = await().atMost(Duration.ofMinutes(3)).until(() -> {
                var service = client.services().inNamespace(NAMESPACE).withName("portcullis-dataplane").get();
                return service == null ? null : service.getSpec().getClusterIP();
            }, ip -> ip != null);
            await().atMost(Duration.ofMinutes(4)).ignoreExceptions()
                    .until(() -> https("shop.example.test", "/").contains("backend: web-"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
        figure("helm install to the first Ingress served", millisSince(installing));
    }

    @AfterAll
    static void report() {
        FIGURES.add("node memory (programs, shims, pods): " + (node.residentKib() >> 10) + " MiB");
        System.out.println("LocalNodeClusterTest figures:\n  " + String.join("\n  ", FIGURES));
        if (client != null) {
            client.close();
        }
    }

    @Test
    @Order(1)
    void theChartsPodsRunHardenedAndOneOperatorLeads() {
        await().atMost(Duration.ofMinutes(2)).until(() -> readyPods(NAMESPACE, "app.kubernetes.io/name", "portcullis-operator") == 2);
        String holder = leaseHolder();
        assertThat(podNames(NAMESPACE, "app.kubernetes.io/name", "portcullis-operator")).contains(holder);

        await().atMost(Duration.ofMinutes(2)).until(() -> {
            DataPlane dataPlane = client.resources(DataPlane.class).inNamespace(NAMESPACE).withName("portcullis").get();
            return dataPlane.getStatus() != null && Integer.valueOf(2).equals(dataPlane.getStatus().readyReplicas);
        });
        for (Pod pod : pods(NAMESPACE, "app.kubernetes.io/name", "portcullis-dataplane")) {
            assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSpec().getContainers().getFirst().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(pod.getSpec().getContainers().getFirst().getVolumeMounts())
                    .noneMatch(mount -> mount.getMountPath().startsWith("/var/run/secrets/kubernetes.io"));
        }
        for (Pod pod : client.pods().inNamespace(NAMESPACE).list().getItems()) {
            String log = client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).getLog();
            assertThat(log).as("log of %s", pod.getMetadata().getName()).doesNotContainIgnoringCase("forbidden");
        }
    }

    @Test
    @Order(2)
    void eachTlsModeIsServedWithTheRightCertificateAndStatusIsWritten() throws Exception {
        assertThat(https("shop.example.test", "/cart")).contains("backend: web-", "x-forwarded-proto: https");
        assertThat(servedCertificate("shop.example.test")).contains("issuer=CN = site CA");

        assertThat(servedCertificate("secure.example.test")).as(() -> "passthrough: the pod's own certificate\n"
                + diagnostics()).contains("issuer=CN = pod CA");
        assertThat(curl(List.of("--cacert", work.resolve("pod-ca.pem").toString()), "secure.example.test", "/"))
                .contains("backend: web-");

        assertThat(servedCertificate("api.example.test")).contains("issuer=CN = site CA");
        assertThat(https("api.example.test", "/v1")).as("re-encrypted to the pod, verified against the pod CA")
                .contains("backend: web-", "GET /v1");

        await().atMost(Duration.ofMinutes(1)).until(() -> List.of("shop", "secure", "api").stream()
                .allMatch(name -> PUBLISHED.equals(statusIp(name))));
    }

    /** #13 on the node: ingress-nginx's auth-tls-* through the chart's operator to a data plane pod, asked with curl. */
    @Test
    @Order(2)
    void clientCertificatesAreCheckedAndHstsIsSent() throws Exception {
        ClientPki clients = ClientPki.create("node clients CA");
        IssuedCertificate alice = clients.client("alice");
        Files.writeString(work.resolve("alice.crt"), alice.chainPem());
        Files.writeString(work.resolve("alice.key"), alice.privateKeyPem());
        apply(tlsSecret("shop", "mtls-tls", SITE_CA.issueServer(List.of("mtls.example.test"), KeyType.EC_P256)));
        apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: clients-ca, namespace: shop}
                data: {ca.crt: %s}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: mtls
                  namespace: shop
                  annotations:
                    nginx.ingress.kubernetes.io/auth-tls-secret: shop/clients-ca
                    nginx.ingress.kubernetes.io/auth-tls-verify-client: "on"
                spec:
                  ingressClassName: portcullis
                  tls: [{hosts: [mtls.example.test], secretName: mtls-tls}]
                  rules:
                    - host: mtls.example.test
                      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
                """.formatted(base64(clients.caPem())));
        List<String> site = List.of("--cacert", work.resolve("site-ca.pem").toString(), "-i");
        List<String> withCertificate = new ArrayList<>(site);
        withCertificate.addAll(List.of("--cert", work.resolve("alice.crt").toString(), "--key", work.resolve("alice.key").toString()));
        await().atMost(Duration.ofMinutes(1)).ignoreExceptions()
                .until(() -> curl(withCertificate, "mtls.example.test", "/").contains("backend: web-"));
        assertThat(curl(withCertificate, "mtls.example.test", "/who").toLowerCase())
                .contains("ssl-client-verify: success", "ssl-client-subject-dn: cn=alice",
                        "strict-transport-security: max-age=31536000; includesubdomains");
        assertThat(curl(site, "mtls.example.test", "/")).containsPattern("^HTTP/[0-9.]+ 400").contains("No required SSL certificate was sent");
    }

    @Test
    @Order(3)
    void aRotatedCertificateIsServedWithoutAFailedRequest() throws Exception {
        IssuedCertificate next = SITE_CA.issueServer(List.of("shop.example.test"), KeyType.RSA_2048);
        java.math.BigInteger serial = next.leaf().getSerialNumber();
        underLoad("certificate rotation", () -> {
            apply(tlsSecret("shop", "shop-tls", next));
            // Two minutes, as for a change of leader: on a loaded CI machine an operator replica may be restarting.
            await().atMost(Duration.ofMinutes(2)).until(() -> serial.equals(servedSerial("shop.example.test")));
        });
    }

    @Test
    @Order(4)
    void theLeadingOperatorPodDeletedAnotherLeadsAndTrafficFlows() throws Exception {
        underLoad("leader operator pod deleted", () -> {
            String holder = leaseHolder();
            client.pods().inNamespace(NAMESPACE).withName(holder).delete();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                String next = leaseHolder();
                return next != null && !next.equals(holder) && readyPods(NAMESPACE, "app.kubernetes.io/name", "portcullis-operator") == 2;
            });
            // The new leader writes status: a new Ingress gets its address.
            apply(terminateIngress("shop-next", "next.example.test"));
            await().atMost(Duration.ofMinutes(1)).until(() -> PUBLISHED.equals(statusIp("shop-next")));
        });
    }

    @Test
    @Order(5)
    void theBackendScaledFromTwoToFiveAndBackLosesNoRequest() throws Exception {
        underLoad("backend scaled 2 -> 5 -> 2", () -> {
            scaleEcho(5);
            scaleEcho(2);
        });
    }

    @Test
    @Order(6)
    void aRollingUpdateOfTheDataPlaneLosesNoRequest() throws Exception {
        List<String> before = podNames(NAMESPACE, "app.kubernetes.io/name", "portcullis-dataplane");
        underLoad("data plane rolling update (helm upgrade)", () -> {
            new Helm(Path.of("../charts/portcullis")).upgrade().withName("portcullis").withNamespace(NAMESPACE)
                    .withKubeConfig(node.kubeconfig())
                    .set("operator.publishAddress", PUBLISHED)
                    .set("dataPlane.service.type", "ClusterIP")
                    .set("dataPlane.resources.requests.cpu", "200m")
                    .call();
            await().atMost(Duration.ofMinutes(4)).until(() -> {
                List<String> now = podNames(NAMESPACE, "app.kubernetes.io/name", "portcullis-dataplane");
                return now.size() == 2 && now.stream().noneMatch(before::contains)
                        && readyPods(NAMESPACE, "app.kubernetes.io/name", "portcullis-dataplane") == 2;
            });
        });
    }

    @Test
    @Order(7)
    void noEndpointAnswers503AndTheBackendIsServedAgainOnceReady() throws Exception {
        long started = System.nanoTime();
        scaleEcho(0);
        // Each replica applies the change on its own, a few milliseconds apart; the Service spreads
        // requests over them, so wait for every one, asked at its pod address, then through the Service.
        List<String> replicas = dataPlanePodIps();
        assertThat(replicas).hasSize(2);
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            for (String ip : replicas) {
                if (statusAt("shop.example.test", ip + ":" + DATA_PLANE_HTTPS_PORT) != 503) {
                    return false;
                }
            }
            return true;
        });
        assertThat(status("shop.example.test")).as("not a hang, not a reset").isEqualTo(503);

        scaleEcho(1);
        await().atMost(Duration.ofMinutes(1)).until(() -> status("shop.example.test") == 200);
        figure("backend 0 -> 503 -> 1 -> 200", millisSince(started));
    }

    @Test
    @Order(8)
    void helmUninstallStopsEveryPortcullisPod() {
        long started = System.nanoTime();
        Helm.uninstall("portcullis").withNamespace(NAMESPACE).withKubeConfig(node.kubeconfig()).call();
        await().atMost(Duration.ofMinutes(3)).until(() -> client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
        figure("helm uninstall to no pod left", millisSince(started));
        // What stays, as documented: the CRD (Helm keeps CRDs) and the operator's issued certificate.
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("dataplanes.portcullis.dev").get()).isNotNull();
        assertThat(client.secrets().inNamespace(NAMESPACE).withName("portcullis-operator-client-cert").get()).isNotNull();
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    }

    private interface Fault {
        void run() throws Exception;
    }

    /** Runs a fault under a steady load from four curl clients, and asserts no request failed. */
    private static void underLoad(String name, Fault fault) throws Exception {
        long started = System.nanoTime();
        try (SteadyLoad load = SteadyLoad.start(resolveOptions("shop.example.test"),
                "https://shop.example.test/under-load", 4)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> load.succeeded() > 100);
            try {
                fault.run();
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(name + ": " + e.getMessage() + " (" + load.stop() + ")\n" + diagnostics(), e);
            }
            long settled = load.succeeded();
            await().atMost(Duration.ofMinutes(1)).until(() -> load.succeeded() > settled + 100);
            String counts = load.stop();
            figure(name + " under load (" + counts + ")", millisSince(started));
            assertThat(load.failures()).as(name + ": " + counts).isEmpty();
        }
    }

    private static void deployEchoPods() throws Exception {
        IssuedCertificate podCertificate = POD_CA.issueServer(List.of("web.shop.svc", "secure.example.test"), KeyType.EC_P256);
        apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                """);
        apply(tlsSecret("shop", "web-pod-tls", podCertificate));
        apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: pods-ca, namespace: shop}
                data: {ca.crt: %s}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 30
                      containers:
                        - name: echo
                          image: ghcr.io/portcullis/portcullis-test-echo:0.1.0
                          env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                          ports: [{name: http, containerPort: 8080}, {name: https, containerPort: 8443}]
                          readinessProbe: {tcpSocket: {port: https}, periodSeconds: 1}
                          # Out of the endpoints before it stops, as a pod behind any proxy should be.
                          lifecycle: {preStop: {sleep: {seconds: 5}}}
                          volumeMounts: [{name: tls, mountPath: /etc/echo-tls, readOnly: true}]
                      volumes: [{name: tls, secret: {secretName: web-pod-tls}}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}, {name: https, port: 443, targetPort: https}]
                """.formatted(base64(POD_CA.certificatePem())));
    }

    private static void applyIngresses() {
        apply(tlsSecret("shop", "shop-tls", SITE_CA.issueServer(List.of("shop.example.test"), KeyType.EC_P256)));
        apply(tlsSecret("shop", "api-tls", SITE_CA.issueServer(List.of("api.example.test"), KeyType.EC_P256)));
        apply(terminateIngress("shop", "shop.example.test"));
        apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: secure
                  namespace: shop
                  annotations: {portcullis.dev/tls-mode: passthrough}
                spec:
                  ingressClassName: portcullis
                  rules:
                    - host: secure.example.test
                      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: https}}}}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: api
                  namespace: shop
                  annotations: {portcullis.dev/tls-mode: reencrypt, portcullis.dev/backend-ca-secret: pods-ca}
                spec:
                  ingressClassName: portcullis
                  tls: [{hosts: [api.example.test], secretName: api-tls}]
                  rules:
                    - host: api.example.test
                      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: https}}}}]}
                """);
    }

    private static String terminateIngress(String name, String host) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: %s, namespace: shop}
                spec:
                  ingressClassName: portcullis
                  tls: [{hosts: [%s], secretName: shop-tls}]
                  rules:
                    - host: %s
                      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
                """.formatted(name, host, host);
    }

    private static void scaleEcho(int replicas) {
        client.apps().deployments().inNamespace("shop").withName("web").scale(replicas);
        await().atMost(Duration.ofMinutes(2)).until(() -> readyPods("shop", "app", "web") == replicas
                && podNames("shop", "app", "web").size() == replicas);
    }

    private static String https(String host, String path) throws Exception {
        return curl(List.of("--cacert", work.resolve("site-ca.pem").toString()), host, path);
    }

    private static int status(String host) throws Exception {
        var result = Processes.run(command(List.of("--cacert", work.resolve("site-ca.pem").toString(),
                "-o", "/dev/null", "-w", "%{http_code}"), host, "/"), null);
        return Integer.parseInt(result.stdout().strip());
    }

    /** The status one data plane pod answers, reached at its own address rather than through the Service. */
    private static int statusAt(String host, String podAddress) throws Exception {
        var result = Processes.run(command(List.of("--connect-to", host + ":443:" + podAddress,
                "-o", "/dev/null", "-w", "%{http_code}"), host, "/"), null);
        return Integer.parseInt(result.stdout().strip());
    }

    private static List<String> dataPlanePodIps() {
        return pods(NAMESPACE, "app.kubernetes.io/name", "portcullis-dataplane").stream()
                .map(pod -> pod.getStatus().getPodIP()).toList();
    }

    private static String curl(List<String> options, String host, String path) throws Exception {
        var result = Processes.run(command(options, host, path), null);
        assertThat(result.exitCode()).as("curl %s%s: %s", host, path, result.stderr()).isZero();
        return result.stdout();
    }

    private static List<String> command(List<String> options, String host, String path) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(resolveOptions(host));
        command.addAll(options);
        command.add("https://" + host + path);
        return command;
    }

    private static List<String> resolveOptions(String host) {
        List<String> options = new ArrayList<>(List.of("--resolve", host + ":443:" + dataPlaneIp));
        if (host.equals("shop.example.test")) {
            options.addAll(List.of("--cacert", work.resolve("site-ca.pem").toString()));
        }
        return options;
    }

    /**
     * The serial number of the certificate the data plane Service presents for this SNI, or null.
     * Compared as a number: openssl prints it with a leading zero that BigInteger's hex leaves out.
     */
    private static java.math.BigInteger servedSerial(String host) throws Exception {
        var serial = java.util.regex.Pattern.compile("serial=([0-9A-Fa-f]+)").matcher(servedCertificate(host).replace(":", ""));
        return serial.find() ? new java.math.BigInteger(serial.group(1), 16) : null;
    }

    /** The certificate the data plane Service presents for this SNI: issuer and serial, from openssl. */
    private static String servedCertificate(String host) {
        return Processes.bash("echo | openssl s_client -connect " + dataPlaneIp + ":443 -servername " + host
                + " 2>/dev/null | openssl x509 -noout -issuer -serial").stdout();
    }

    /** For a failure's message: the echo pods' and data planes' logs, and the Events of both namespaces. */
    private static String diagnostics() {
        StringBuilder text = new StringBuilder("lease holder: " + leaseHolder() + "\n");
        for (Pod pod : pods(NAMESPACE, "app.kubernetes.io/name", "portcullis-dataplane")) {
            String ip = pod.getStatus().getPodIP();
            text.append("data plane ").append(pod.getMetadata().getName()).append(" at ").append(ip).append(" serves for shop: ")
                    .append(Processes.bash("echo | timeout 10 openssl s_client -connect " + ip + ":8443 -servername shop.example.test"
                            + " 2>/dev/null | openssl x509 -noout -serial").stdout().strip()).append('\n');
        }
        for (String namespace : List.of("shop", NAMESPACE)) {
            for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
                int restarts = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? 0
                        : pod.getStatus().getContainerStatuses().stream().mapToInt(ContainerStatus::getRestartCount).sum();
                text.append("--- log of ").append(pod.getMetadata().getName()).append(" (restarts: ").append(restarts).append(")\n")
                        .append(ownLogLines(client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).getLog()));
            }
            client.v1().events().inNamespace(namespace).list().getItems().forEach(event -> text.append("event: ")
                    .append(event.getInvolvedObject().getName()).append(' ').append(event.getReason()).append(' ')
                    .append(event.getMessage()).append('\n'));
        }
        return text.toString();
    }

    /** A pod's last 40 log lines, without access log entries (which would hide everything else under load). */
    private static String ownLogLines(String log) {
        List<String> lines = log.lines().filter(line -> !line.startsWith("{\"time\"")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
    }

    private static String leaseHolder() {
        var lease = client.leases().inNamespace(NAMESPACE).withName("portcullis-operator").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static String statusIp(String ingress) {
        Ingress current = client.network().v1().ingresses().inNamespace("shop").withName(ingress).get();
        if (current == null || current.getStatus() == null || current.getStatus().getLoadBalancer() == null
                || current.getStatus().getLoadBalancer().getIngress() == null
                || current.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return "";
        }
        return String.valueOf(current.getStatus().getLoadBalancer().getIngress().getFirst().getIp());
    }

    private static List<Pod> pods(String namespace, String label, String value) {
        return client.pods().inNamespace(namespace).withLabels(Map.of(label, value)).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static List<String> podNames(String namespace, String label, String value) {
        return pods(namespace, label, value).stream().map(pod -> pod.getMetadata().getName()).toList();
    }

    private static long readyPods(String namespace, String label, String value) {
        return pods(namespace, label, value).stream().filter(LocalNodeClusterTest::ready).count();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream().anyMatch(condition ->
                "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()))
                && pod.getStatus().getContainerStatuses().stream().allMatch(ContainerStatus::getReady);
    }

    private static void apply(String yaml) {
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
    }

    private static String tlsSecret(String namespace, String name, IssuedCertificate certificate) {
        return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: " + namespace + "}\n"
                + "type: kubernetes.io/tls\ndata:\n  tls.crt: " + base64(certificate.chainPem())
                + "\n  tls.key: " + base64(certificate.privateKeyPem()) + "\n";
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void figure(String what, long millis) {
        FIGURES.add(what + ": " + millis + " ms");
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
