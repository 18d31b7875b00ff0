package dev.portcullis.dataplane.cli;

import dev.portcullis.dataplane.controlplane.ControlPlaneClient;
import dev.portcullis.dataplane.runtime.RuntimeCheck;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import dev.portcullis.dataplane.runtime.SnapshotFileWatcher;
import dev.portcullis.dataplane.server.DataPlaneServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code serve} (also the data plane's default command): serve a snapshot file or what the operator publishes. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
                "Serve the snapshot in FILE and apply it again whenever it changes, or serve what the operator "
                        + "at URL publishes over mutual TLS.",
                "Exactly one of --snapshot and --control-plane (with --client-cert)."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    ServeOptions source;

    @Mixin
    ListenOptions listen;

    @Override
    public Integer call() throws Exception {
        return serve(source, listen);
    }

    /** Serves until the JVM is asked to stop; usage errors surface before anything listens. */
    static int serve(ServeOptions source, ListenOptions listen) throws Exception {
        Optional<ServeOptions.ControlPlane> controlPlane = source.controlPlane();
        if (controlPlane.isPresent()) {
            ServeOptions.ControlPlane operator = controlPlane.get();
            RuntimeCheck.logAtStart("data plane");
            try (DataPlaneServer server = DataPlaneServer.start(listen.listen());
                 ControlPlaneClient ignored = ControlPlaneClient.start(operator.url(), operator.ingressClass(),
                         operator.clientCertificates(), server.config())) {
                ShutdownSignal.await();
                server.drain();
            } finally {
                ShutdownSignal.done();
            }
            return 0;
        }
        var snapshot = source.snapshot();
        RuntimeCheck.logAtStart("data plane");
        try (DataPlaneServer server = DataPlaneServer.start(listen.listen());
             SnapshotFileWatcher ignored = SnapshotFileWatcher.start(snapshot, server.config(), Duration.ofSeconds(1))) {
            ShutdownSignal.await();
            server.drain();
        } finally {
            ShutdownSignal.done();
        }
        return 0;
    }
}
