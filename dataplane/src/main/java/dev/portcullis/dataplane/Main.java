package dev.portcullis.dataplane;

import dev.portcullis.dataplane.controlplane.ControlPlaneClient;
import dev.portcullis.dataplane.demo.Demo;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import dev.portcullis.dataplane.runtime.SnapshotFileWatcher;
import dev.portcullis.dataplane.server.DataPlaneServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** {@code java -jar portcullis-dataplane.jar --snapshot FILE | demo}. */
public final class Main {

    private static final String USAGE = """
            Usage:
              java -jar portcullis-dataplane.jar --snapshot FILE [--bind ADDR] [--http-port N] [--https-port N] [--admin-port N]
                  Serve the snapshot in FILE (JSON) and apply it again whenever it changes.
              java -jar portcullis-dataplane.jar --control-plane https://HOST:PORT --client-cert DIR [--bind ADDR] [...]
                  Serve what the operator publishes; DIR holds the mounted client certificate Secret
                  (tls.crt, tls.key, ca.crt). Without the operator, the last snapshot keeps being served.
                  --ingress-class NAME serves only that IngressClass's Ingresses.
            --min-tls-version 1.2|1.3: the lowest TLS version offered to clients (default 1.2).
              java -jar portcullis-dataplane.jar demo [--dir DIR] [--bind ADDR] [--http-port N] [--https-port N] [--admin-port N]
                  Start three echo backends, make certificates, write DIR/snapshot.json (default ./portcullis-demo)
                  and serve it; prints curl lines to try.
            Defaults: --bind 127.0.0.1, --http-port 8080, --https-port 8443, --admin-port 9090.
            --https-redirect-port N: the port in redirects to https (default: the https listener's port).
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    public static int run(String[] args) throws Exception {
        CommandLine line;
        try {
            line = CommandLine.parse(args, Set.of("serve", "demo", "help"),
                    Set.of("snapshot", "control-plane", "client-cert", "ingress-class", "min-tls-version", "bind",
                            "http-port", "https-port", "admin-port", "https-redirect-port", "dir"), "serve");
            if (!line.positional().isEmpty()) {
                throw new CommandLine.UsageException("unexpected argument " + line.positional().getFirst());
            }
            if (line.command().equals("help")) {
                System.out.print(USAGE);
                return 0;
            }
            DataPlaneServer.Listen listen = listen(line);
            if (line.command().equals("demo")) {
                try (Demo demo = Demo.start(Path.of(line.option("dir", "portcullis-demo")), listen)) {
                    demo.printInstructions(System.out);
                    ShutdownSignal.await();
                }
                return 0;
            }
            String controlPlane = line.options().get("control-plane");
            if (controlPlane != null) {
                String certificates = line.options().get("client-cert");
                if (certificates == null) {
                    throw new CommandLine.UsageException("--control-plane needs --client-cert DIR");
                }
                try (DataPlaneServer server = DataPlaneServer.start(listen);
                     ControlPlaneClient ignored = ControlPlaneClient.start(java.net.URI.create(controlPlane),
                             line.options().get("ingress-class"), Path.of(certificates), server.config())) {
                    ShutdownSignal.await();
                }
                return 0;
            }
            String snapshot = line.options().get("snapshot");
            if (snapshot == null) {
                throw new CommandLine.UsageException("--snapshot FILE (or --control-plane URL) is required");
            }
            try (DataPlaneServer server = DataPlaneServer.start(listen);
                 SnapshotFileWatcher ignored = SnapshotFileWatcher.start(Path.of(snapshot), server.config(),
                         Duration.ofSeconds(1))) {
                ShutdownSignal.await();
            }
            return 0;
        } catch (CommandLine.UsageException e) {
            System.err.println("portcullis-dataplane: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
    }

    public static DataPlaneServer.Listen listen(CommandLine line) {
        String minTls = line.option("min-tls-version", "1.2");
        if (!minTls.equals("1.2") && !minTls.equals("1.3")) {
            throw new CommandLine.UsageException("--min-tls-version takes 1.2 or 1.3, not \"" + minTls + "\"");
        }
        return new DataPlaneServer.Listen(line.option("bind", "127.0.0.1"), line.port("http-port", 8080),
                line.port("https-port", 8443), line.port("admin-port", 9090), line.port("https-redirect-port", 0), minTls);
    }
}
