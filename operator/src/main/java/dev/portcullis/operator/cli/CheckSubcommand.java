package dev.portcullis.operator.cli;

import dev.portcullis.dataplane.cli.ProjectVersion;
import dev.portcullis.operator.standalone.CheckCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code portcullis.jar check -f DIR}. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
                "Print one line per problem in the Kubernetes manifests (*.yaml, *.yml) in DIR "
                        + "(namespace/name: Reason: message), and a summary on stderr.",
                "Exit codes: 0 no error, 1 an error (warnings alone do not fail), 2 usage error."})
final class CheckSubcommand implements Callable<Integer> {

    @Option(names = {"-f", "--file"}, paramLabel = "DIR", required = true, converter = ManifestFolder.class,
            description = "The folder of manifests.")
    Path directory;

    @Override
    public Integer call() throws Exception {
        return CheckCommand.run(directory, System.out, System.err);
    }
}
