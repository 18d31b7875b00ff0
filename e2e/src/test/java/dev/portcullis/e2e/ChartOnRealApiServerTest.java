package dev.portcullis.e2e;

import com.marcnuri.helm.Helm;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.testkit.AuditLog;
import dev.portcullis.testkit.KubeBinaries;
import dev.portcullis.testkit.NetworkNamespaceHost;
import dev.portcullis.testkit.RealApiServer;
import dev.portcullis.testkit.RealApiServerTest;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart as a user installs it, on a real API server with kube-controller-manager: helm-java
 * installs {@code charts/portcullis}; two operator processes run with a token of the chart's own
 * ServiceAccount (so every request passes, or fails, the chart's RBAC) and compete for the Lease;
 * a data plane process fed by them serves an Ingress to a "pod" in a network namespace this test
 * makes. Then {@code helm upgrade} and {@code helm uninstall}, and the audit log's account of what
 * the ServiceAccount used, compared with what the chart grants.
 */
@RealApiServerTest(controllerManager = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartOnRealApiServerTest {

    private static final Path CHART = Path.of("../charts/portcullis");
    private static final String NAMESPACE = "portcullis";
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:portcullis:portcullis-operator";
    private static final String PUBLISHED = "203.0.113.7";
    private static final CertificateAuthority SITE_CA = CertificateAuthority.create("site CA", KeyType.EC_P256);

    /**
     * Granted, but not exercised by this test: each is needed on a path that a test run does not reach.
     * Everything else the chart grants must show up in the audit log.
     */
    private static final Map<String, String> GRANTED_FOR_RARE_PATHS = Map.of(
            "coordination.k8s.io/leases:update", "java-operator-sdk will not start leader election without it"
                    + " (its SelfSubjectRulesReview check), though fabric8 renews with patch");

    static RealApiServer server;

    private static KubernetesClient admin;
    private static Path work;
    private static Path adminKubeconfig;
    private static NetworkNamespaceHost pod;
    private static final List<OperatorProcess> OPERATORS = new ArrayList<>();
    private static Process dataPlane;
    private static int httpsPort;

    @BeforeAll
    static void install() throws Exception {
        admin = server.adminClient();
        work = Files.createTempDirectory("portcullis-chart-e2e");
        try {
            pod = NetworkNamespaceHost.create();
        } catch (KubeBinaries.Unavailable e) {
            throw e.skipOrFail();
        }
        pod.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PodEcho.class.getName(), "pod-1", "8080"), work.resolve("pod-1.log"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(pod.address(), 8080), 1000);
                return true;
            }
        });

        adminKubeconfig = Files.writeString(work.resolve("admin.kubeconfig"), server.adminKubeconfig());
        new Helm(CHART).install().withName("portcullis").withNamespace(NAMESPACE).createNamespace()
                .withKubeConfig(adminKubeconfig).set("operator.publishAddress", PUBLISHED).call();

        String token = server.serviceAccountToken(NAMESPACE, "portcullis-operator");
        Path kubeconfig = Files.writeString(work.resolve("operator.kubeconfig"), server.kubeconfig(token, "portcullis-operator"));
        List<String> options = List.of("--namespace=" + NAMESPACE, "--service-name=portcullis-operator",
                "--dataplane-service=portcullis-dataplane", "--leader-election=true", "--publish-address=" + PUBLISHED);
        OPERATORS.add(OperatorProcess.start("operator-a", kubeconfig, work, options));
        OPERATORS.add(OperatorProcess.start("operator-b", kubeconfig, work, options));
        dataPlane = startDataPlane(OPERATORS.getFirst());
    }

    @AfterAll
    static void tearDown() {
        if (dataPlane != null) {
            dataPlane.destroyForcibly();
        }
        OPERATORS.forEach(OperatorProcess::close);
        if (pod != null) {
            pod.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    @Order(1)
    void theOperatorRunsTheChartsDataPlaneUnderTheChartsRbac() {
        // No kubelet runs here, so no pod becomes ready: the DataPlane says so.
        await().atMost(Duration.ofSeconds(50)).until(() -> conditions("portcullis").contains("Ready=False"));
        assertThat(admin.apps().deployments().inNamespace(NAMESPACE).withName("portcullis-dataplane").get()).isNotNull();
        assertThat(admin.services().inNamespace(NAMESPACE).withName("portcullis-dataplane").get()).isNotNull();
        assertThat(admin.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withName("portcullis-dataplane").get())
                .isNotNull();
        assertNothingForbidden();
    }

    @Test
    @Order(2)
    void anIngressWithATlsSecretIsServedToAPodInANetworkNamespace() throws Exception {
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
        apply(ingress("shop", "shop.example.test", "shop-tls"));

        await().atMost(Duration.ofSeconds(60)).until(() -> curl("shop.example.test").contains("backend: pod-1"));
        assertThat(curl("shop.example.test")).contains("x-forwarded-proto: https");
        await().atMost(Duration.ofSeconds(30)).until(() -> statusIp("shop").equals(PUBLISHED));

        apply(ingress("broken", "broken.example.test", "missing-tls"));
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.v1().events().inNamespace("shop").list().getItems().stream()
                .map(Event::getInvolvedObject).anyMatch(object -> "broken".equals(object.getName())));
        assertThat(curl("shop.example.test")).as("one broken Ingress leaves the others served").contains("backend: pod-1");
        assertNothingForbidden();
    }

    @Test
    @Order(3)
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // the soak run; by default it takes seconds
    void theLeaseHolderRenewsItsLeaseAgainAndAgain() {
        // -Dportcullis.leaseHold=PT10M holds it for ten minutes (a soak run); by default, three renewals.
        Duration hold = Duration.parse(System.getProperty("portcullis.leaseHold", "PT0S"));
        Instant until = Instant.now().plus(hold);
        Set<String> renewals = new LinkedHashSet<>();
        String holder = lease().getSpec().getHolderIdentity();
        assertThat(holder).isIn("operator-a", "operator-b");
        await().atMost(hold.plusSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Lease lease = lease();
            assertThat(lease.getSpec().getHolderIdentity()).as("the holder kept its Lease").isEqualTo(holder);
            renewals.add(lease.getSpec().getRenewTime().toString());
            return renewals.size() >= 4 && !Instant.now().isBefore(until); // the first seen, then three renewals or more
        });
        assertThat(OPERATORS).allMatch(OperatorProcess::alive);
        assertNothingForbidden();
    }

    @Test
    @Order(4)
    void whenTheHolderStopsTheOtherReplicaTakesOverAndWritesStatus() {
        String holder = lease().getSpec().getHolderIdentity();
        OperatorProcess leader = OPERATORS.stream().filter(operator -> operator.identity.equals(holder)).findFirst().orElseThrow();
        OperatorProcess other = OPERATORS.stream().filter(operator -> operator != leader).findFirst().orElseThrow();
        leader.close();

        await().atMost(Duration.ofSeconds(60)).until(() -> other.identity.equals(lease().getSpec().getHolderIdentity()));
        apply(ingress("after", "after.example.test", "shop-tls"));
        await().atMost(Duration.ofSeconds(30)).until(() -> statusIp("after").equals(PUBLISHED));
        assertThat(other.alive()).isTrue();
    }

    @Test
    @Order(5)
    void helmUpgradeWithChangedValuesReachesTheDataPlaneDeployment() {
        new Helm(CHART).upgrade().withName("portcullis").withNamespace(NAMESPACE).withKubeConfig(adminKubeconfig)
                .set("operator.publishAddress", PUBLISHED).set("dataPlane.replicas", 3)
                .set("dataPlane.podDisruptionBudget.enabled", false).call();
        await().atMost(Duration.ofSeconds(60)).until(() -> Integer.valueOf(3).equals(
                admin.apps().deployments().inNamespace(NAMESPACE).withName("portcullis-dataplane").get().getSpec().getReplicas()));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                admin.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withName("portcullis-dataplane").get() == null);
        assertNothingForbidden();
    }

    @Test
    @Order(6)
    void theChartGrantsWhatTheOperatorUsesNoLessAndNoMore() {
        OPERATORS.forEach(OperatorProcess::close);
        List<AuditLog.Entry> requests = server.auditLog().by(SERVICE_ACCOUNT).stream()
                .filter(entry -> !entry.resource().isEmpty()).toList();
        assertThat(requests).as("the operator ran under the chart's ServiceAccount").isNotEmpty();
        assertThat(requests).as("requests the chart's RBAC refused").noneMatch(entry -> entry.code() == 403);

        Set<String> used = requests.stream()
                .map(entry -> permission(entry.apiGroup(), entry.rbacResource(), entry.verb()))
                .collect(Collectors.toCollection(TreeSet::new));
        // A server-side apply that creates its object (201) is authorized as create as well as patch.
        requests.stream().filter(entry -> entry.verb().equals("patch") && entry.code() == 201)
                .forEach(entry -> used.add(permission(entry.apiGroup(), entry.rbacResource(), "create")));
        Set<String> granted = new TreeSet<>();
        admin.rbac().clusterRoles().withName("portcullis-operator").get().getRules().forEach(rule -> granted.addAll(expand(rule)));
        admin.rbac().roles().inNamespace(NAMESPACE).withName("portcullis-operator").get().getRules()
                .forEach(rule -> granted.addAll(expand(rule)));

        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(used);
        unused.removeAll(GRANTED_FOR_RARE_PATHS.keySet());
        assertThat(unused).as("granted but never used (used: %s)", used).isEmpty();
        assertThat(GRANTED_FOR_RARE_PATHS.keySet()).as("listed as rare but not granted").allMatch(granted::contains);
    }

    @Test
    @Order(7)
    void helmUninstallRemovesWhatItInstalledAndWhatTheOperatorOwns() {
        Helm.uninstall("portcullis").withNamespace(NAMESPACE).withKubeConfig(adminKubeconfig).call();

        // Owned by the DataPlane that Helm deleted: the garbage collector removes them.
        await().atMost(Duration.ofSeconds(60)).until(() ->
                admin.apps().deployments().inNamespace(NAMESPACE).withName("portcullis-dataplane").get() == null
                        && admin.services().inNamespace(NAMESPACE).withName("portcullis-dataplane").get() == null
                        && admin.secrets().inNamespace(NAMESPACE).withName("portcullis-dataplane-client").get() == null);
        assertThat(admin.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get())
                .as("the issued original is not the DataPlane's copy").isNotNull();
        assertThat(admin.apps().deployments().inNamespace(NAMESPACE).withName("portcullis-operator").get()).isNull();
        assertThat(admin.serviceAccounts().inNamespace(NAMESPACE).withName("portcullis-operator").get()).isNull();
        assertThat(admin.rbac().clusterRoles().withName("portcullis-operator").get()).isNull();
        assertThat(admin.rbac().clusterRoleBindings().withName("portcullis-operator").get()).isNull();
        assertThat(admin.rbac().roles().inNamespace(NAMESPACE).withName("portcullis-operator").get()).isNull();
        assertThat(admin.network().v1().ingressClasses().withName("portcullis").get()).isNull();

        // What stays, as README says: the CRD (Helm never deletes CRDs, so DataPlanes of other releases
        // survive), the operator's CA and the data planes' client certificate (a reinstall keeps trusting
        // running data planes), and the Lease.
        assertThat(admin.apiextensions().v1().customResourceDefinitions().withName("dataplanes.portcullis.dev").get()).isNotNull();
        assertThat(admin.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CA_SECRET).get()).isNotNull();
        assertThat(admin.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get()).isNotNull();
        assertThat(lease()).isNotNull();
    }

    private static Process startDataPlane(OperatorProcess operator) throws Exception {
        Path certificates = Files.createDirectories(work.resolve("client-cert"));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                admin.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get() != null);
        Secret secret = admin.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(certificates.resolve(key), Base64.getDecoder().decode(secret.getData().get(key)));
        }
        httpsPort = FreePorts.next();
        int adminPort = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Processes.dataPlaneJvmFlags());
        command.addAll(List.of("-jar", "../dataplane/target/portcullis-dataplane.jar",
                "--control-plane", "https://localhost:" + operator.channelPort, "--client-cert", certificates.toString(),
                "--bind", "127.0.0.1", "--http-port", String.valueOf(FreePorts.next()), "--https-port", String.valueOf(httpsPort),
                "--admin-port", String.valueOf(adminPort)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("dataplane.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        return process;
    }

    private static void assertNothingForbidden() {
        for (OperatorProcess operator : OPERATORS) {
            assertThat(operator.output()).as("log of %s", operator.identity).doesNotContainIgnoringCase("forbidden");
        }
        assertThat(server.auditLog().by(SERVICE_ACCOUNT)).noneMatch(entry -> entry.code() == 403);
    }

    private static Lease lease() {
        return admin.leases().inNamespace(NAMESPACE).withName("portcullis-operator").get();
    }

    private static List<String> conditions(String dataPlane) {
        GenericKubernetesResource resource = admin.genericKubernetesResources("portcullis.dev/v1alpha1", "DataPlane")
                .inNamespace(NAMESPACE).withName(dataPlane).get();
        if (resource == null || !(resource.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions)) {
            return List.of();
        }
        return conditions.stream().map(condition -> (Map<?, ?>) condition)
                .map(condition -> condition.get("type") + "=" + condition.get("status")).toList();
    }

    private static String statusIp(String ingress) {
        Ingress current = admin.network().v1().ingresses().inNamespace("shop").withName(ingress).get();
        if (current == null || current.getStatus() == null || current.getStatus().getLoadBalancer() == null
                || current.getStatus().getLoadBalancer().getIngress() == null
                || current.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return "";
        }
        return String.valueOf(current.getStatus().getLoadBalancer().getIngress().getFirst().getIp());
    }

    private static String curl(String host) throws Exception {
        Path ca = work.resolve("site-ca.pem");
        if (!Files.exists(ca)) {
            Files.writeString(ca, SITE_CA.certificatePem());
        }
        return Processes.run(List.of("curl", "-sS", "--max-time", "5", "--cacert", ca.toString(), "--resolve",
                host + ":" + httpsPort + ":127.0.0.1", "https://" + host + ":" + httpsPort + "/"), null).stdout();
    }

    private static Set<String> expand(PolicyRule rule) {
        Set<String> permissions = new TreeSet<>();
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    permissions.add(permission(group, resource, verb));
                }
            }
        }
        return permissions;
    }

    private static String permission(String group, String resource, String verb) {
        return (group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb;
    }

    private static void apply(String yaml) {
        admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
    }

    private static String ingress(String name, String host, String secret) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: %s, namespace: shop}
                spec:
                  ingressClassName: portcullis
                  tls: [{hosts: ["%s"], secretName: %s}]
                  rules:
                    - host: %s
                      http:
                        paths:
                          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """.formatted(name, host, secret, host);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
