package dev.portcullis.operator.cli;

import dev.portcullis.dataplane.cli.ListenOptions;
import dev.portcullis.dataplane.cli.ProjectVersion;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import dev.portcullis.operator.standalone.ManifestDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code portcullis.jar demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Write demo manifests (echo backends, TLS Secrets, Ingresses) to DIR and serve them; "
                + "prints curl lines to try. Ctrl-C stops it.")
final class DemoSubcommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "portcullis-demo",
            description = "Where the demo's manifests go. Default: ${DEFAULT-VALUE}.")
    Path directory;

    @Mixin
    ListenOptions listen;

    @Override
    public Integer call() throws Exception {
        try (ManifestDemo demo = ManifestDemo.start(directory, listen.listen())) {
            demo.printInstructions(System.out);
            ShutdownSignal.await();
        } finally {
            ShutdownSignal.done();
        }
        return 0;
    }
}
