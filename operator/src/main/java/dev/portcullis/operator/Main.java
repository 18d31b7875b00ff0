package dev.portcullis.operator;

import dev.portcullis.operator.cli.PortcullisCommand;

/** {@code java -jar portcullis.jar COMMAND [OPTIONS]}; see {@link PortcullisCommand}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The exit code: 0 done, 1 failed, 2 usage error. */
    static int run(String... args) {
        return PortcullisCommand.commandLine().execute(args);
    }
}
