package dev.portcullis.operator.cli;

import dev.portcullis.dataplane.cli.ListenOptions;
import dev.portcullis.dataplane.cli.ProjectVersion;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import dev.portcullis.operator.standalone.ServeCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code portcullis.jar serve -f DIR}. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Serve the Kubernetes manifests (*.yaml, *.yml) in DIR with the embedded data plane, and "
                + "apply every edit to them; an edit that breaks a manifest keeps the last good configuration.")
final class ServeSubcommand implements Callable<Integer> {

    @Option(names = {"-f", "--file"}, paramLabel = "DIR", required = true, converter = ManifestFolder.class,
            description = "The folder of manifests.")
    Path directory;

    @Mixin
    ListenOptions listen;

    @Override
    public Integer call() throws Exception {
        try (ServeCommand serving = ServeCommand.start(directory, listen.listen(), Duration.ofSeconds(1))) {
            ShutdownSignal.await();
            serving.server().drain();
        } finally {
            ShutdownSignal.done();
        }
        return 0;
    }
}
