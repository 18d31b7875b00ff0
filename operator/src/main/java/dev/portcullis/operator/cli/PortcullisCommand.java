package dev.portcullis.operator.cli;

import dev.portcullis.dataplane.cli.Cli;
import dev.portcullis.dataplane.cli.DataPlaneCommand;
import dev.portcullis.dataplane.cli.ProjectVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code java -jar portcullis.jar COMMAND}: the operator, the standalone commands, and the data plane alone. */
@Command(name = "portcullis.jar", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        usageHelpAutoWidth = true,
        subcommands = {RunCommand.class, ServeSubcommand.class, CheckSubcommand.class, DemoSubcommand.class},
        description = "Portcullis, a Kubernetes ingress controller whose specialty is TLS at the edge.",
        footer = {"",
                "In standalone mode (serve, check, demo) an IngressClass \"portcullis\" of this controller is "
                        + "assumed (the default class unless the manifests mark another as default).",
                "Exit codes: 0 done, 1 failed, 2 usage error. 'help COMMAND' or 'COMMAND --help' shows a command's "
                        + "options."})
public final class PortcullisCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The command line, ready to {@code execute}; {@code dataplane} is the data plane's own command object. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PortcullisCommand());
        CommandLine dataPlane = DataPlaneCommand.commandLine();
        dataPlane.getCommandSpec().name("dataplane").usageMessage().description(
                "Run the embedded data plane alone: on a snapshot file (--snapshot FILE), or following an operator "
                        + "(--control-plane URL); the same options as portcullis-dataplane.jar.");
        commandLine.addSubcommand("dataplane", dataPlane);
        commandLine.addSubcommand("help", new HelpCommand());
        return Cli.configure(commandLine);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required: run, serve, check, demo or dataplane");
    }
}
