package dev.portcullis.dataplane.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code java -jar portcullis-dataplane.jar}: {@code serve} when no command is named, and
 * {@code help}. (No demo: the demo's echo backends stay out of this internet-facing jar; the
 * operator's jar has {@code demo}.) The operator's jar runs this same command object as {@code portcullis.jar dataplane}.
 */
@Command(name = "portcullis-dataplane.jar", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        subcommands = {ServeCommand.class, HelpCommand.class},
        description = {
                "The Portcullis data plane. Without a command it serves (see serve): the snapshot in FILE, "
                        + "applied again whenever it changes, or what the operator at URL publishes over mutual TLS.",
                "Exactly one of --snapshot and --control-plane (with --client-cert)."})
public final class DataPlaneCommand implements Callable<Integer> {

    @Mixin
    ServeOptions source;

    @Mixin
    ListenOptions listen;

    /** The command line, ready to {@code execute}; its exit codes: 0 done, 1 failed, 2 usage error. */
    public static CommandLine commandLine() {
        return Cli.configure(new CommandLine(new DataPlaneCommand()));
    }

    @Override
    public Integer call() throws Exception {
        return ServeCommand.serve(source, listen);
    }
}
