package dev.portcullis.operator;

import dev.portcullis.dataplane.CommandLine;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import dev.portcullis.operator.standalone.CheckCommand;
import dev.portcullis.operator.standalone.ManifestDemo;
import dev.portcullis.operator.standalone.ServeCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/** {@code java -jar portcullis.jar COMMAND}: the standalone commands on Kubernetes manifests. */
public final class Main {

    private static final String USAGE = """
            Usage: java -jar portcullis.jar COMMAND [OPTIONS]
              run [--namespace NS] [--service-name NAME] [--channel-bind ADDR] [--channel-port N] [--metrics-port N]
                  [--dataplane-service NAME] [--publish-address ADDR] [--server-side-apply true|false]
                  [--leader-election true|false]
                  The in-cluster operator (the container's default command): watches Ingresses, IngressClasses,
                  Secrets, Services and EndpointSlices, serves snapshots to data planes over mutual TLS, writes
                  Ingress status and Warning Events. Uses the pod's service account (or ~/.kube/config).
              serve -f DIR [--bind ADDR] [--http-port N] [--https-port N] [--admin-port N] [--https-redirect-port N]
                  Serve the Kubernetes manifests (*.yaml, *.yml) in DIR with the embedded data plane, and
                  apply every edit to them; an edit that breaks a manifest keeps the last good configuration.
              check -f DIR
                  Print one line per problem in the manifests (namespace/name: Reason: message);
                  exit 1 if any is an error.
              demo [--dir DIR] [--bind ADDR] [--http-port N] [--https-port N] [--admin-port N]
                  Write demo manifests (echo backends, TLS Secrets, Ingresses) to DIR (default ./portcullis-demo)
                  and serve them; prints curl lines to try.
              dataplane --snapshot FILE [...]
                  Run the embedded data plane on a snapshot file (see portcullis-dataplane.jar --help).
            Defaults: --bind 127.0.0.1, --http-port 8080, --https-port 8443, --admin-port 9090.
            In standalone mode an IngressClass "portcullis" of this controller is assumed (the default class
            unless the manifests mark another as default).
            """;

    private static final Set<String> LISTEN_OPTIONS = Set.of("bind", "http-port", "https-port", "admin-port",
            "https-redirect-port");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "check" -> {
                    CommandLine line = parse(rest, Set.of("file"));
                    yield CheckCommand.run(directory(line), System.out, System.err);
                }
                case "serve" -> {
                    CommandLine line = parse(rest, with(LISTEN_OPTIONS, "file"));
                    try (ServeCommand ignored = ServeCommand.start(directory(line), dev.portcullis.dataplane.Main.listen(line),
                            Duration.ofSeconds(1))) {
                        ShutdownSignal.await();
                    }
                    yield 0;
                }
                case "demo" -> {
                    CommandLine line = parse(rest, with(LISTEN_OPTIONS, "dir"));
                    try (ManifestDemo demo = ManifestDemo.start(Path.of(line.option("dir", "portcullis-demo")),
                            dev.portcullis.dataplane.Main.listen(line))) {
                        demo.printInstructions(System.out);
                        ShutdownSignal.await();
                    }
                    yield 0;
                }
                case "run" -> RunCommand.run(parse(rest, RunCommand.OPTIONS));
                case "dataplane" -> dev.portcullis.dataplane.Main.run(prepend("serve", rest));
                default -> throw new CommandLine.UsageException("unknown command " + args[0]);
            };
        } catch (CommandLine.UsageException e) {
            System.err.println("portcullis: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
    }

    private static CommandLine parse(String[] args, Set<String> options) {
        String[] expanded = Arrays.stream(args).map(arg -> arg.equals("-f") ? "--file" : arg).toArray(String[]::new);
        CommandLine line = CommandLine.parse(expanded, Set.of(), options, "");
        if (!line.positional().isEmpty()) {
            throw new CommandLine.UsageException("unexpected argument " + line.positional().getFirst());
        }
        return line;
    }

    private static Path directory(CommandLine line) {
        String file = line.options().get("file");
        if (file == null) {
            throw new CommandLine.UsageException("-f DIR is required");
        }
        Path directory = Path.of(file);
        if (!Files.isDirectory(directory)) {
            throw new CommandLine.UsageException(file + " is not a folder");
        }
        return directory;
    }

    private static Set<String> with(Set<String> options, String extra) {
        java.util.HashSet<String> all = new java.util.HashSet<>(options);
        all.add(extra);
        return all;
    }

    private static String[] prepend(String command, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = command;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
