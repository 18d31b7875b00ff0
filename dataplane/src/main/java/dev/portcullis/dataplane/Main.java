package dev.portcullis.dataplane;

import dev.portcullis.dataplane.cli.DataPlaneCommand;

/** {@code java -jar portcullis-dataplane.jar [serve | demo | help] [OPTIONS]}; see {@link DataPlaneCommand}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(DataPlaneCommand.commandLine().execute(args));
    }
}
