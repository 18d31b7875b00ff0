package dev.portcullis.dataplane.demo;

import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.runtime.SnapshotFileWatcher;
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
 * Everything on one machine: three echo backends, a CA with an ECDSA and an RSA certificate, a
 * snapshot for two host names, and the data plane serving it, with curl lines to try.
 */
public final class Demo implements AutoCloseable {

    public static final String APP_HOST = "app.example.test";
    public static final String API_HOST = "api.example.test";

    private final List<EchoBackend> backends;
    private final DataPlaneServer server;
    private final SnapshotFileWatcher watcher;
    private final Path directory;

    private Demo(List<EchoBackend> backends, DataPlaneServer server, SnapshotFileWatcher watcher, Path directory) {
        this.backends = backends;
        this.server = server;
        this.watcher = watcher;
        this.directory = directory;
    }

    public static Demo start(Path directory, DataPlaneServer.Listen listen) throws IOException, InterruptedException {
        List<EchoBackend> backends = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            backends.add(EchoBackend.start("echo-" + i, "127.0.0.1", 0));
        }
        CertificateAuthority ca = CertificateAuthority.create("Portcullis demo CA", KeyType.EC_P256);
        IssuedCertificate app = ca.issueServer(List.of(APP_HOST), KeyType.EC_P256);
        IssuedCertificate api = ca.issueServer(List.of(API_HOST), KeyType.RSA_2048);

        Files.createDirectories(directory);
        Files.writeString(directory.resolve("ca.crt"), ca.certificatePem());
        Path snapshotFile = directory.resolve("snapshot.json");
        Files.writeString(snapshotFile, SnapshotCodec.toJson(snapshot(backends, app, api)));

        DataPlaneServer server = DataPlaneServer.start(listen);
        SnapshotFileWatcher watcher = SnapshotFileWatcher.start(snapshotFile, server.config(), Duration.ofMillis(500));
        return new Demo(backends, server, watcher, directory);
    }

    private static Snapshot snapshot(List<EchoBackend> backends, IssuedCertificate app, IssuedCertificate api) {
        List<Endpoint> all = backends.stream()
                .map(backend -> Endpoint.ready(backend.address().getHostString(), backend.address().getPort()))
                .toList();
        return new Snapshot(1,
                List.of(
                        new VirtualHost(APP_HOST, TlsMode.TERMINATE, "app",
                                List.of(new Route(PathMatch.prefix("/"), "echo-all"))),
                        new VirtualHost(API_HOST, TlsMode.TERMINATE, "api",
                                List.of(new Route(PathMatch.prefix("/v1"), "echo-api"),
                                        new Route(PathMatch.exact("/healthz"), "echo-all")))),
                List.of(new Cluster("echo-all", all), new Cluster("echo-api", all.subList(1, 3))),
                List.of(new TlsCertificate("app", app.chainPem(), app.privateKeyPem()),
                        new TlsCertificate("api", api.chainPem(), api.privateKeyPem())),
                null);
    }

    public DataPlaneServer server() {
        return server;
    }

    /** The commands a user can paste to see the demo work. */
    public List<String> tryLines() {
        return tryLines(server, directory.resolve("ca.crt"));
    }

    /** Commands to paste against the demo hosts served by {@code server}, trusting the CA in {@code caFile}. */
    public static List<String> tryLines(DataPlaneServer server, Path caFile) {
        String ca = caFile.toAbsolutePath().toString();
        int https = server.httpsAddress().getPort();
        int http = server.httpAddress().getPort();
        String ip = server.httpsAddress().getAddress().getHostAddress();
        String app = "curl --cacert " + ca + " --resolve " + APP_HOST + ":" + https + ":" + ip + " https://" + APP_HOST + ":" + https;
        String api = "curl --cacert " + ca + " --resolve " + API_HOST + ":" + https + ":" + ip + " https://" + API_HOST + ":" + https;
        return List.of(
                app + "/",
                app + "/",
                app + "/",
                api + "/v1/users",
                api + "/healthz",
                api + "/not-routed",
                "curl -H 'Host: " + APP_HOST + "' http://" + ip + ":" + http + "/plain",
                "openssl s_client -connect " + ip + ":" + https + " -servername " + API_HOST + " -CAfile " + ca
                        + " -brief </dev/null",
                "curl http://" + server.adminAddress().getAddress().getHostAddress() + ":"
                        + server.adminAddress().getPort() + "/metrics");
    }

    public void printInstructions(PrintStream out) {
        out.println();
        out.println("Portcullis demo is serving. Backends: "
                + backends.stream().map(b -> b.name() + "=" + b.address()).toList());
        out.println("Try (the app host rotates over echo-1, echo-2, echo-3; the api host over echo-2 and echo-3):");
        tryLines().forEach(line -> out.println("  " + line));
        out.println("Edit " + directory.resolve("snapshot.json").toAbsolutePath()
                + " and save: it is applied without dropping a connection.");
        out.println("Ctrl-C stops.");
    }

    @Override
    public void close() {
        watcher.close();
        server.close();
        backends.forEach(EchoBackend::close);
    }
}
