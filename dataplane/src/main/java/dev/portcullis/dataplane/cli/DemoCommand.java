package dev.portcullis.dataplane.cli;

import dev.portcullis.dataplane.demo.Demo;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code demo}: echo backends, certificates and a snapshot for them, served; prints lines to try. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Start three echo backends, make certificates, write DIR/snapshot.json and serve it; "
                + "prints curl lines to try. Ctrl-C stops it.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "portcullis-demo",
            description = "Where the demo's files go. Default: ${DEFAULT-VALUE}.")
    Path directory;

    @Mixin
    ListenOptions listen;

    @Override
    public Integer call() throws Exception {
        try (Demo demo = Demo.start(directory, listen.listen())) {
            demo.printInstructions(System.out);
            ShutdownSignal.await();
        }
        return 0;
    }
}
