package dev.portcullis.testkit;

import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Kubernetes API server for tests and benchmarks: etcd and kube-apiserver (and, when asked,
 * kube-controller-manager for garbage collection), all on 127.0.0.1, with RBAC, an audit log of
 * every request, static tokens for an admin and for an "operator under test" (both
 * {@code system:masters}), and ServiceAccount tokens through TokenRequest. Everything lives in one
 * temporary folder, removed on {@link #close()}.
 */
public final class RealApiServer implements AutoCloseable {

    /** The user behind {@link #operatorClient()}: lets tests tell the operator's own requests in the audit log. */
    public static final String OPERATOR_USER = "operator-under-test";
    public static final String ADMIN_USER = "admin";
    private static final Logger LOG = LoggerFactory.getLogger(RealApiServer.class);

    /**
     * @param controllerManager start kube-controller-manager too (garbage collection, Deployments to ReplicaSets)
     * @param watchCache        the API server's watch cache; off, every watch reads etcd, so compaction answers 410
     * @param serviceRange      the Service ClusterIP range (a /16 holds 65,000 Services)
     */
    public record Options(boolean controllerManager, boolean watchCache, String serviceRange) {
        public static Options defaults() {
            return new Options(false, true, "10.96.0.0/16");
        }
    }

    private final Path directory;
    private final String adminToken = UUID.randomUUID().toString();
    private final String operatorToken = UUID.randomUUID().toString();
    private final List<Process> processes = new ArrayList<>();
    private final Thread reaper = new Thread(this::destroyProcesses, "real-api-server-reaper");
    private int etcdPort;
    private int apiServerPort;
    private KubernetesClient admin;

    private RealApiServer(Path directory) {
        this.directory = directory;
    }

    public static RealApiServer start(KubeBinaries binaries, Options options) {
        if (options.controllerManager()) {
            binaries.requireControllerManager();
        }
        RealApiServer server;
        try {
            server = new RealApiServer(Files.createTempDirectory("portcullis-apiserver-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(server.reaper);
        long started = System.nanoTime();
        try {
            server.startProcesses(binaries, options);
            LOG.info("real API server {} ready at {} in {} ms ({})", KubeBinaries.VERSION, server.url(),
                    (System.nanoTime() - started) / 1_000_000, String.join(", ", server.residentMemory()));
            return server;
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e instanceof RuntimeException runtime ? runtime : new UncheckedIOException((IOException) e);
        }
    }

    private void startProcesses(KubeBinaries binaries, Options options) throws IOException {
        CertManager certificates = new CertManager(directory.toString());
        certificates.createCertificatesIfNeeded();
        Files.writeString(directory.resolve("tokens.csv"), adminToken + "," + ADMIN_USER + ",1,system:masters\n"
                + operatorToken + "," + OPERATOR_USER + ",2,system:masters\n");
        Files.writeString(directory.resolve("audit-policy.yaml"), """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: ["RequestReceived"]
                rules:
                  - level: Metadata
                """);

        etcdPort = freePort();
        int peerPort = freePort();
        String etcdUrl = "http://127.0.0.1:" + etcdPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        launch("etcd", List.of(binaries.etcd().toString(), "--name", "default",
                "--data-dir", directory.resolve("etcd").toString(),
                "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "default=" + peerUrl, "--unsafe-no-fsync"));

        apiServerPort = freePort();
        String key = certificates.getAPIServerKeyPath();
        List<String> apiServer = new ArrayList<>(List.of(binaries.apiServer().toString(),
                "--etcd-servers", etcdUrl,
                "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
                // 1.37 refuses a loopback advertise address unless nothing reconciles the kubernetes endpoints
                "--endpoint-reconciler-type", "none",
                "--secure-port", Integer.toString(apiServerPort), "--cert-dir", directory.resolve("certs").toString(),
                "--tls-cert-file", certificates.getAPIServerCertPath(), "--tls-private-key-file", key,
                "--client-ca-file", certificates.getClientCertPath(),
                "--authorization-mode", "RBAC", "--token-auth-file", directory.resolve("tokens.csv").toString(),
                "--service-account-issuer", "https://kubernetes.default.svc",
                "--service-account-key-file", key, "--service-account-signing-key-file", key,
                "--service-cluster-ip-range", options.serviceRange(),
                "--audit-policy-file", directory.resolve("audit-policy.yaml").toString(),
                "--audit-log-path", auditLogPath().toString(), "--audit-log-format", "json",
                "--watch-cache=" + options.watchCache(),
                "--allow-privileged"));
        launch("kube-apiserver", apiServer);
        admin = new KubernetesClientBuilder().withConfig(configFor(adminToken)).build();
        awaitReady();

        if (options.controllerManager()) {
            Path kubeconfig = directory.resolve("admin.kubeconfig");
            Files.writeString(kubeconfig, kubeconfig(adminToken, ADMIN_USER));
            launch("kube-controller-manager", List.of(binaries.requireControllerManager().toString(),
                    "--kubeconfig", kubeconfig.toString(),
                    "--bind-address", "127.0.0.1", "--secure-port", "0", "--leader-elect=false",
                    "--service-account-private-key-file", key, "--root-ca-file", certificates.getAPIServerCertPath(),
                    "--service-cluster-ip-range", options.serviceRange()));
        }
    }

    private void launch(String name, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve(name + ".log").toFile()).start();
        synchronized (processes) {
            processes.add(process);
        }
    }

    /** Waits until {@code /readyz} answers ok (etcd reachable, RBAC bootstrapped); fails with the logs if a process died. */
    private void awaitReady() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("a control plane process exited (" + process.exitValue() + "): "
                            + logTails());
                }
            }
            try {
                last = admin.raw("/readyz");
                if ("ok".equals(last) && admin.namespaces().withName("default").get() != null) {
                    return;
                }
            } catch (KubernetesClientException e) {
                last = e.getMessage();
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException("kube-apiserver not ready after 90 s: " + last + "\n" + logTails());
    }

    public String logTails() {
        StringBuilder tails = new StringBuilder();
        try (Stream<Path> logs = Files.list(directory)) {
            for (Path log : logs.filter(path -> path.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                tails.append("\n--- ").append(log.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
        } catch (IOException e) {
            tails.append(e);
        }
        return tails.toString();
    }

    public URI url() {
        return URI.create("https://127.0.0.1:" + apiServerPort);
    }

    /** A client with every right ({@code system:masters}); the caller closes it. */
    public KubernetesClient adminClient() {
        return new KubernetesClientBuilder().withConfig(configFor(adminToken)).build();
    }

    /** A client with every right whose requests the audit log attributes to {@link #OPERATOR_USER}. */
    public KubernetesClient operatorClient() {
        return operatorClient(url());
    }

    /** As {@link #operatorClient()}, reaching the server through another address (a {@link CuttableTunnel}). */
    public KubernetesClient operatorClient(URI server) {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig(operatorToken, OPERATOR_USER, server)))
                .build();
    }

    /** A token of a ServiceAccount, from the TokenRequest API, valid for an hour. */
    public String serviceAccountToken(String namespace, String serviceAccount) {
        return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    public Config configFor(String token) {
        return Config.fromKubeconfig(kubeconfig(token, "user"));
    }

    /** A kubeconfig for this server with a bearer token (for processes, helm and kubectl). */
    public String kubeconfig(String token, String userName) {
        return kubeconfig(token, userName, url());
    }

    private String kubeconfig(String token, String userName, URI server) {
        String ca;
        try {
            ca = Base64.getEncoder().encodeToString(Files.readAllBytes(directory.resolve(CertManager.API_SERVER_CERT_NAME)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: real
                    cluster:
                      server: %s
                      certificate-authority-data: %s
                users:
                  - name: %s
                    user:
                      token: %s
                contexts:
                  - name: real
                    context: {cluster: real, user: %s}
                current-context: real
                """.formatted(server, ca, userName, token, userName);
    }

    public String adminKubeconfig() {
        return kubeconfig(adminToken, ADMIN_USER);
    }

    /** Applies the CRDs in a YAML file and waits until the server serves them (Established). */
    public static void installCrds(KubernetesClient client, Path file) {
        try (java.io.InputStream yaml = Files.newInputStream(file)) {
            for (var crd : client.load(yaml).serverSideApply()) {
                client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .waitUntilCondition(current -> current != null && current.getStatus() != null
                                && current.getStatus().getConditions() != null && current.getStatus().getConditions().stream().anyMatch(condition ->
                                condition.getType().equals("Established") && condition.getStatus().equals("True")),
                                30, java.util.concurrent.TimeUnit.SECONDS);
                if (crd instanceof io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition definition) {
                    awaitDiscovery(client, definition);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Established is not yet served: kube-apiserver's discovery controller publishes a new CRD's
     * kinds asynchronously, and a client resolving a generic resource through discovery fails until it has.
     */
    private static void awaitDiscovery(KubernetesClient client,
                                       io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition crd) {
        String group = crd.getSpec().getGroup();
        String kind = crd.getSpec().getNames().getKind();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        for (var version : crd.getSpec().getVersions()) {
            if (!Boolean.TRUE.equals(version.getServed())) {
                continue;
            }
            String groupVersion = group + "/" + version.getName();
            while (!discovers(client, groupVersion, kind)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("discovery does not serve " + kind + " in " + groupVersion + " after 30 s");
                }
                pause(Duration.ofMillis(50));
            }
        }
    }

    private static boolean discovers(KubernetesClient client, String groupVersion, String kind) {
        var resources = client.getApiResources(groupVersion);
        return resources != null && resources.getResources().stream().anyMatch(resource -> kind.equals(resource.getKind()));
    }

    public Path auditLogPath() {
        return directory.resolve("audit.log");
    }

    public AuditLog auditLog() {
        return AuditLog.read(auditLogPath());
    }

    /**
     * Compacts etcd up to its current revision, so that a watch resuming from any earlier
     * resourceVersion is answered 410 Gone (with the watch cache off, see {@link Options#watchCache()}).
     *
     * @return the revision compacted to
     */
    public long compactEtcd() {
        HttpClient http = HttpClient.newHttpClient();
        String revisionReply = post(http, "/v3/kv/range", "{\"key\":\"" + Base64.getEncoder()
                .encodeToString("/".getBytes(StandardCharsets.UTF_8)) + "\",\"limit\":1}");
        Matcher revision = Pattern.compile("\"revision\":\"(\\d+)\"").matcher(revisionReply);
        if (!revision.find()) {
            throw new IllegalStateException("etcd gave no revision: " + revisionReply);
        }
        long current = Long.parseLong(revision.group(1));
        post(http, "/v3/kv/compaction", "{\"revision\":\"" + current + "\",\"physical\":true}");
        return current;
    }

    private String post(HttpClient http, String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + etcdPort + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("etcd " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Resident memory of each control plane process in KiB, by process name (from /proc). */
    public List<String> residentMemory() {
        List<String> rows = new ArrayList<>();
        for (Process process : processes) {
            try {
                String status = Files.readString(Path.of("/proc/" + process.pid() + "/status"));
                Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
                Matcher name = Pattern.compile("Name:\\s+(\\S+)").matcher(status);
                if (rss.find() && name.find()) {
                    rows.add(name.group(1) + " " + Long.parseLong(rss.group(1)) / 1024 + " MiB");
                }
            } catch (IOException e) {
                rows.add(process.pid() + " gone");
            }
        }
        return rows;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        destroyProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
        if (System.getenv("PORTCULLIS_KEEP_API_SERVER_DIR") == null) {
            deleteRecursively(directory);
        }
    }

    private void destroyProcesses() {
        List<Process> reversed;
        synchronized (processes) {
            reversed = new ArrayList<>(processes.reversed());
            processes.clear();
        }
        for (Process process : reversed) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary folder
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
