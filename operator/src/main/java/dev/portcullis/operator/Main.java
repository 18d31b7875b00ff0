package dev.portcullis.operator;

import java.util.Arrays;

/**
 * {@code java -jar portcullis.jar COMMAND}. Today the standalone commands run the embedded data
 * plane; the Kubernetes-facing commands arrive with the translator and the operator.
 */
public final class Main {

    private static final String USAGE = """
            Usage: java -jar portcullis.jar COMMAND [OPTIONS]
              demo [--dir DIR] [--bind ADDR] [--http-port N] [--https-port N] [--admin-port N]
                  Run the demo on the embedded data plane (echo backends, certificates, two hosts).
              dataplane --snapshot FILE [--bind ADDR] [--http-port N] [--https-port N] [--admin-port N]
                  Run the embedded data plane on a snapshot file.
            """;

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
        return switch (args[0]) {
            case "demo" -> dev.portcullis.dataplane.Main.run(prepend("demo", rest));
            case "dataplane" -> dev.portcullis.dataplane.Main.run(prepend("serve", rest));
            default -> {
                System.err.println("portcullis: unknown command " + args[0]);
                System.err.print(USAGE);
                yield 2;
            }
        };
    }

    private static String[] prepend(String command, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = command;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
