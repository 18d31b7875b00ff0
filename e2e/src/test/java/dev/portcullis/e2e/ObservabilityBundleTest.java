package dev.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.operator.cli.RunCommand;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.deploy.DataPlaneResources;
import dev.portcullis.operator.deploy.DataPlaneSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart's monitoring bundle (ServiceMonitor, PodMonitor, PrometheusRule, Grafana dashboard)
 * against the real thing: every metric name the rendered alert rules and dashboard read must be
 * served by the {@code /metrics} of an operator ({@code portcullis.jar run}, against fabric8's mock
 * API server) or of a data plane ({@code portcullis-dataplane.jar}, following that operator over
 * its mutual-TLS channel), both started here from their jars, after traffic of every kind went
 * through the data plane. The monitors must select the pods and ports that really serve it.
 */
@EnableKubernetesMockClient(crud = true)
class ObservabilityBundleTest {

    private static final String NAMESPACE = "portcullis";
    private static final CertificateAuthority SITE_CA = CertificateAuthority.create("site CA", KeyType.EC_P256);
    private static final CertificateAuthority POD_CA = CertificateAuthority.create("pod CA", KeyType.EC_P256);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static KubernetesClient client;

    private static Path work;
    private static OperatorProcess operator;
    private static Process dataPlane;
    private static int httpsPort;
    private static int adminPort;
    private static final List<EchoBackend> BACKENDS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("portcullis-observability");
        EchoBackend web = backend(EchoBackend.start("web-1", "127.0.0.1", 0));
        IssuedCertificate vaultPod = POD_CA.issueServer(List.of("secure.example.test"), KeyType.EC_P256);
        EchoBackend vault = backend(EchoBackend.start("vault-pod", "127.0.0.1", 0,
                SslContextBuilder.forServer(vaultPod.privateKey(), vaultPod.chain()).build(), false));
        int nothingListens = FreePorts.next();

        apply("""
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata: {name: portcullis}
                spec: {controller: portcullis.dev/ingress-controller}
                """);
        apply(service("web", "http") + slice("web", "http", web.address().getPort())
                + service("vault", "https") + slice("vault", "https", vault.address().getPort())
                + service("down", "http") + slice("down", "http", nothingListens));
        IssuedCertificate site = SITE_CA.issueServer(List.of("app.example.test", "shop.example.test"), KeyType.EC_P256);
        apply("apiVersion: v1\nkind: Secret\nmetadata: {name: site-tls, namespace: shop}\ntype: kubernetes.io/tls\ndata:\n"
                + "  tls.crt: " + base64(site.chainPem()) + "\n  tls.key: " + base64(site.privateKeyPem()) + "\n");
        apply(ingress("app", "app.example.test", "web", "site-tls", ""));
        apply(ingress("down", "shop.example.test", "down", "site-tls", ""));
        apply(ingress("vault", "secure.example.test", "vault", null, "    portcullis.dev/tls-mode: passthrough\n"));
        apply(ingress("ghost", "blog.example.test", "no-such-service", null, "")); // a problem, for the problems gauge
        DataPlane fleet = new DataPlane(); // for the replica gauges
        fleet.setMetadata(new ObjectMetaBuilder().withName("portcullis").withNamespace(NAMESPACE).build());
        fleet.setSpec(new DataPlaneSpec());
        client.resource(fleet).create();
        Files.writeString(work.resolve("site-ca.crt"), SITE_CA.certificatePem());

        Path kubeconfig = Files.writeString(work.resolve("kubeconfig"), kubeconfig(client.getConfiguration().getMasterUrl()));
        // As RunCommand runs in a pod, but against the mock: no Lease, no server-side apply for status.
        operator = OperatorProcess.start("operator-0", kubeconfig, work, List.of("--namespace=" + NAMESPACE,
                "--leader-election=false", "--server-side-apply=false"));

        Path certificates = Files.createDirectories(work.resolve("client-cert"));
        await().atMost(Duration.ofSeconds(30)).until(() -> clientSecret() != null);
        Secret secret = clientSecret();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(certificates.resolve(key), Base64.getDecoder().decode(secret.getData().get(key)));
        }
        httpsPort = FreePorts.next();
        adminPort = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Processes.dataPlaneJvmFlags());
        command.addAll(List.of("-jar", "../dataplane/target/portcullis-dataplane.jar",
                "--control-plane", "https://localhost:" + operator.channelPort, "--client-cert", certificates.toString(),
                "--bind", "127.0.0.1", "--http-port", String.valueOf(FreePorts.next()), "--https-port", String.valueOf(httpsPort),
                "--admin-port", String.valueOf(adminPort)));
        dataPlane = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("dataplane.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get("http://127.0.0.1:" + adminPort + "/readyz").statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> curl("app.example.test", "/").contains("backend: web-1"));
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
    void everyMetricTheAlertsAndTheDashboardReadIsServedByTheOperatorOrTheDataPlane() throws Exception {
        sendTrafficOfEveryKind();
        List<JsonNode> objects = renderEverything();
        Map<String, Set<String>> queriesByName = new TreeMap<>();
        ruleExpressions(objects).forEach((where, expr) -> PromQlMetrics.in(expr)
                .forEach(name -> queriesByName.computeIfAbsent(name, unused -> new TreeSet<>()).add(where)));
        dashboardQueries(objects).forEach((where, expr) -> PromQlMetrics.in(expr)
                .forEach(name -> queriesByName.computeIfAbsent(name, unused -> new TreeSet<>()).add(where)));
        assertThat(queriesByName).as("metric names found in the rules and the dashboard").hasSizeGreaterThan(15);

        // Served meters appear as their events happen (a host's first request, a snapshot): wait for them.
        Map<String, String> families = new TreeMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            MetricsExposition ofOperator = MetricsExposition.parse("operator",
                    get("http://127.0.0.1:" + operator.metricsPort + "/metrics").body());
            MetricsExposition ofDataPlane = MetricsExposition.parse("data plane",
                    get("http://127.0.0.1:" + adminPort + "/metrics").body());
            Map<String, Set<String>> missing = new TreeMap<>();
            families.clear();
            queriesByName.forEach((name, where) -> {
                MetricsExposition served = ofOperator.familyOf(name) != null ? ofOperator
                        : ofDataPlane.familyOf(name) != null ? ofDataPlane : null;
                if (served == null) {
                    missing.put(name, where);
                } else {
                    String family = served.familyOf(name);
                    families.put(name, served.source() + ": " + family + " (" + served.typeOf(family) + ")");
                }
            });
            assertThat(missing).as("metrics read by rules or panels that neither /metrics serves").isEmpty();
        });
        System.out.println("metrics read by the alerts and the dashboard:\n  " + String.join("\n  ",
                families.entrySet().stream().map(entry -> entry.getKey() + " <- " + entry.getValue()).toList()));
        assertThat(families.values()).as("both components are watched")
                .anyMatch(source -> source.startsWith("operator:")).anyMatch(source -> source.startsWith("data plane:"));
        assertThat(families).as("latency percentiles read a histogram's buckets")
                .containsEntry("portcullis_request_duration_seconds_bucket",
                        "data plane: portcullis_request_duration_seconds (histogram)");
    }

    @Test
    void theMonitorsSelectThePodsAndPortsThatServeMetrics() throws Exception {
        List<JsonNode> objects = renderEverything();

        JsonNode serviceMonitor = HelmChartTest.only(objects, "ServiceMonitor");
        JsonNode podMonitor = HelmChartTest.only(objects, "PodMonitor");
        for (JsonNode monitor : List.of(serviceMonitor, podMonitor, HelmChartTest.only(objects, "PrometheusRule"))) {
            assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(monitor.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
        }

        // Operator: ServiceMonitor -> metrics Service -> operator pods, on the port `run` serves /metrics on.
        List<JsonNode> selected = objects.stream().filter(object -> object.path("kind").asText().equals("Service")
                && matches(serviceMonitor.at("/spec/selector/matchLabels"), object.at("/metadata/labels"))).toList();
        assertThat(selected).as("Services the ServiceMonitor selects").hasSize(1);
        JsonNode metricsService = selected.getFirst();
        assertThat(serviceMonitor.at("/spec/namespaceSelector/matchNames").toString()).contains(NAMESPACE);
        JsonNode endpoint = serviceMonitor.at("/spec/endpoints/0");
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
        JsonNode servicePort = named(metricsService.at("/spec/ports"), endpoint.path("port").asText());
        JsonNode operatorDeployment = HelmChartTest.only(objects, "Deployment");
        assertThat(matches(metricsService.at("/spec/selector"), operatorDeployment.at("/spec/template/metadata/labels")))
                .as("the metrics Service selects the operator's pods").isTrue();
        JsonNode operatorContainer = operatorDeployment.at("/spec/template/spec/containers/0");
        JsonNode metricsPort = named(operatorContainer.path("ports"), servicePort.path("targetPort").asText());
        assertThat(operatorContainer.path("args").toString()).doesNotContain("--metrics-port");
        assertThat(operatorContainer.path("env").toString()).doesNotContain("PORTCULLIS_METRICS_PORT");
        assertThat(metricsPort.path("containerPort").asInt()).as("run's default --metrics-port").isEqualTo(defaultMetricsPort());

        // Data planes: PodMonitor -> the pods the operator makes of the chart's DataPlane, on the admin port.
        JsonNode dataPlaneObject = HelmChartTest.only(objects, "DataPlane");
        DataPlane chartDataPlane = client.getKubernetesSerialization().convertValue(dataPlaneObject, DataPlane.class);
        Deployment pods = DataPlaneResources.deployment(chartDataPlane, "https://portcullis-operator.portcullis.svc:8443");
        assertThat(matches(podMonitor.at("/spec/selector/matchLabels"),
                JSON.valueToTree(pods.getSpec().getTemplate().getMetadata().getLabels())))
                .as("the PodMonitor selects the data plane pods").isTrue();
        assertThat(matches(podMonitor.at("/spec/selector/matchLabels"), operatorDeployment.at("/spec/template/metadata/labels")))
                .as("and not the operator's").isFalse();
        assertThat(podMonitor.at("/spec/namespaceSelector/matchNames").toString())
                .contains(dataPlaneObject.at("/metadata/namespace").asText());
        JsonNode podEndpoint = podMonitor.at("/spec/podMetricsEndpoints/0");
        assertThat(podEndpoint.path("path").asText()).isEqualTo("/metrics");
        Container container = pods.getSpec().getTemplate().getSpec().getContainers().getFirst();
        ContainerPort admin = container.getPorts().stream().filter(port -> port.getName().equals(podEndpoint.path("port").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + podEndpoint.path("port")));
        assertThat(container.getArgs()).as("the admin listener (/metrics) is on that port")
                .containsSequence("--admin-port", String.valueOf(admin.getContainerPort()));
        Set<String> publicPorts = new HashSet<>();
        DataPlaneResources.service(chartDataPlane).getSpec().getPorts().forEach(port -> publicPorts.add(port.getTargetPort().getStrVal()));
        assertThat(publicPorts).as("the internet-facing Service keeps /metrics private").doesNotContain(admin.getName());
    }

    @Test
    void theRulesCarryTheValuesThresholdsAndSayWhatToDo() throws Exception {
        List<JsonNode> objects = renderEverything(
                "metrics.prometheusRule.certificateExpiryDays.warning", 30,
                "metrics.prometheusRule.certificateExpiryDays.critical", 10,
                "metrics.prometheusRule.errorRatio", 0.02,
                "metrics.prometheusRule.disconnectedFor", "12m",
                "metrics.prometheusRule.labels.release", "kube-prometheus-stack",
                "metrics.serviceMonitor.labels.release", "kube-prometheus-stack",
                "metrics.serviceMonitor.dataPlaneNamespaces[0]", "edge");
        JsonNode rule = HelmChartTest.only(objects, "PrometheusRule");
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(HelmChartTest.only(objects, "ServiceMonitor").at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(HelmChartTest.only(objects, "PodMonitor").at("/spec/namespaceSelector/matchNames").toString()).isEqualTo("[\"edge\"]");

        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode group : rule.at("/spec/groups")) {
            for (JsonNode each : group.path("rules")) {
                assertThat(alerts.put(each.path("alert").asText(), each)).as("alert names are unique").isNull();
                assertThat(each.path("labels").path("severity").asText()).isIn("warning", "critical");
                assertThat(each.at("/annotations/summary").asText()).isNotBlank();
                assertThat(each.at("/annotations/description").asText()).hasSizeGreaterThan(100)
                        .as("Prometheus templates, not Helm's, fill in the labels").doesNotContain("<no value>");
            }
        }
        assertThat(alerts).containsKeys("PortcullisCertificateExpiringSoon", "PortcullisCertificateExpiringCritical",
                "PortcullisCertificateExpired", "PortcullisDataPlaneDisconnected", "PortcullisSnapshotApplyFailing",
                "PortcullisSnapshotNotPublished", "PortcullisNoReadyDataPlane", "PortcullisHighErrorRatio",
                "PortcullisOperatorAbsent");
        assertThat(alerts.get("PortcullisCertificateExpiringSoon").path("expr").asText())
                .contains("< " + 30 * 86400).contains(">= " + 10 * 86400);
        assertThat(alerts.get("PortcullisCertificateExpiringCritical").path("expr").asText()).contains("< " + 10 * 86400);
        assertThat(alerts.get("PortcullisHighErrorRatio").path("expr").asText()).contains("> 0.02");
        assertThat(alerts.get("PortcullisDataPlaneDisconnected").path("for").asText()).isEqualTo("12m");
        assertThat(alerts.get("PortcullisCertificateExpired").at("/annotations/summary").asText())
                .isEqualTo("Certificate {{ $labels.certificate }} has expired");

        List<JsonNode> rulesOnly = HelmChartTest.render(command -> command.set("metrics.prometheusRule.enabled", true));
        assertThat(HelmChartTest.only(rulesOnly, "PrometheusRule").at("/spec/groups").toString())
                .as("nothing scraped by the chart: no alert on the operator's absence").doesNotContain("PortcullisOperatorAbsent");
    }

    @Test
    void theDashboardIsForGrafanasSidecarAndCoversWhatTheIssueAsksFor() throws Exception {
        List<JsonNode> objects = renderEverything("metrics.dashboard.annotations.grafana_folder", "Ingress");
        JsonNode configMap = HelmChartTest.only(objects, "ConfigMap");
        assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(configMap.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("Ingress");
        JsonNode dashboard = JSON.readTree(configMap.at("/data/portcullis.json").asText());
        assertThat(dashboard.path("uid").asText()).isEqualTo("portcullis");
        assertThat(dashboard.toString()).as("the dashboard picks its data source").contains("${datasource}");
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
        assertThat(titles).contains("Requests by host", "Latency percentiles", "TLS handshakes by version",
                "Passthrough connections", "Certificate expiry", "Snapshot version per data plane pod",
                "Data planes connected to the operator", "DataPlane pods ready / wanted");
        Set<Integer> ids = new HashSet<>();
        dashboard.path("panels").forEach(panel -> assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique").isTrue());

        assertThat(HelmChartTest.render(command -> command)).as("everything is off by default")
                .noneMatch(object -> Set.of("ServiceMonitor", "PodMonitor", "PrometheusRule", "ConfigMap")
                        .contains(object.path("kind").asText()));
    }

    // --- traffic

    /** Requests (2xx and a 502 from a dead endpoint), TLS handshakes, a passthrough connection, bytes that are not TLS. */
    private static void sendTrafficOfEveryKind() throws Exception {
        assertThat(curlStatus("app.example.test")).isEqualTo("200");
        assertThat(curlStatus("shop.example.test")).as("its only endpoint refuses connections").isEqualTo("502");
        String passedThrough = Processes.bash("curl -sS --cacert " + Files.writeString(work.resolve("pod-ca.crt"),
                POD_CA.certificatePem()) + " --resolve secure.example.test:" + httpsPort
                + ":127.0.0.1 https://secure.example.test:" + httpsPort + "/").stdout();
        assertThat(passedThrough).contains("backend: vault-pod");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpsPort)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: app.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(socket.getInputStream().readAllBytes()).as("closed without an answer").isEmpty();
        }
    }

    private static String curl(String host, String path) {
        return Processes.bash("curl -sS --cacert " + work.resolve("site-ca.crt") + " --resolve " + host + ":" + httpsPort
                + ":127.0.0.1 https://" + host + ":" + httpsPort + path).stdout();
    }

    private static String curlStatus(String host) {
        return Processes.bash("curl -s -o /dev/null -w '%{http_code}' --cacert " + work.resolve("site-ca.crt")
                + " --resolve " + host + ":" + httpsPort + ":127.0.0.1 https://" + host + ":" + httpsPort + "/").stdout();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // --- the rendered chart

    /** The chart with all three parts on, and more values as name, value pairs. */
    private static List<JsonNode> renderEverything(Object... more) throws IOException {
        return HelmChartTest.render(command -> {
            command.set("metrics.serviceMonitor.enabled", true).set("metrics.prometheusRule.enabled", true)
                    .set("metrics.dashboard.enabled", true);
            for (int i = 0; i < more.length; i += 2) {
                command.set((String) more[i], more[i + 1]);
            }
            return command;
        });
    }

    /** Every rule's expression, by "PrometheusRule alert NAME". */
    private static Map<String, String> ruleExpressions(List<JsonNode> objects) {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode group : HelmChartTest.only(objects, "PrometheusRule").at("/spec/groups")) {
            for (JsonNode rule : group.path("rules")) {
                expressions.put("alert " + rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(8);
        return expressions;
    }

    /** Every panel target's and template variable's query, by "panel TITLE" or "variable NAME". */
    private static Map<String, String> dashboardQueries(List<JsonNode> objects) throws IOException {
        JsonNode dashboard = JSON.readTree(HelmChartTest.only(objects, "ConfigMap").at("/data/portcullis.json").asText());
        Map<String, String> queries = new LinkedHashMap<>();
        collectPanelQueries(dashboard.path("panels"), queries);
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode query = variable.path("query");
                queries.put("variable " + variable.path("name").asText(),
                        query.isTextual() ? query.asText() : query.path("query").asText());
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
        return queries;
    }

    private static void collectPanelQueries(JsonNode panels, Map<String, String> queries) {
        for (JsonNode panel : panels) {
            int index = 0;
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("panel %s has a query", panel.path("title")).isNotBlank();
                queries.put("panel " + panel.path("title").asText() + " #" + index++, target.path("expr").asText());
            }
            collectPanelQueries(panel.path("panels"), queries); // collapsed rows hold their panels
        }
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        assertThat(selector.isObject() && !selector.isEmpty()).as("a selector with labels: " + selector).isTrue();
        Map<String, String> wanted = new HashMap<>();
        selector.properties().forEach(entry -> wanted.put(entry.getKey(), entry.getValue().asText()));
        return wanted.entrySet().stream().allMatch(entry -> entry.getValue().equals(labels.path(entry.getKey()).asText(null)));
    }

    private static JsonNode named(JsonNode ports, String name) {
        for (JsonNode port : ports) {
            if (port.path("name").asText().equals(name)) {
                return port;
            }
        }
        throw new AssertionError("no port named " + name + " in " + ports);
    }

    private static int defaultMetricsPort() {
        CommandLine command = new CommandLine(new RunCommand());
        command.parseArgs();
        return command.getCommandSpec().findOption("--metrics-port").getValue();
    }

    // --- the cluster

    private static Secret clientSecret() {
        return client.secrets().inNamespace(NAMESPACE).withName(OperatorCertificates.CLIENT_SECRET).get();
    }

    private static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: mock, user: {token: mock}}]
                contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: %s}}]
                current-context: mock
                """.formatted(server, NAMESPACE);
    }

    private static EchoBackend backend(EchoBackend backend) {
        BACKENDS.add(backend);
        return backend;
    }

    private static void apply(String yaml) {
        for (HasMetadata object : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
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

    private static String slice(String service, String portName, int port) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-1
                  namespace: shop
                  labels: {kubernetes.io/service-name: %s}
                addressType: IPv4
                ports: [{name: %s, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
                ---
                """.formatted(service, service, portName, port);
    }

    private static String ingress(String name, String host, String service, String secret, String annotations) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  namespace: shop
                  annotations:
                    example.com/owner: observability
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

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
