package dev.portcullis.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The tests' real API server, started by hand ({@code testkit/api-server.sh}) for benchmarks and
 * exploration: the same flags, a /16 Service range, kube-controller-manager beside it when built.
 * Writes an admin kubeconfig to the path given (default {@code target/real-api-server.kubeconfig})
 * and runs until interrupted.
 */
public final class RealApiServerMain {

    private RealApiServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path kubeconfig = Path.of(args.length > 0 ? args[0] : "target/real-api-server.kubeconfig");
        KubeBinaries binaries = KubeBinaries.locate();
        RealApiServer server = RealApiServer.start(binaries,
                new RealApiServer.Options(binaries.controllerManager().isPresent(), true, "10.96.0.0/16"));
        Files.createDirectories(kubeconfig.toAbsolutePath().getParent());
        Files.writeString(kubeconfig, server.adminKubeconfig());
        System.out.println("kube-apiserver " + KubeBinaries.VERSION + " at " + server.url() + " ("
                + String.join(", ", server.residentMemory()) + ")");
        System.out.println("export KUBECONFIG=" + kubeconfig.toAbsolutePath());
        System.out.println("audit log: " + server.auditLogPath() + "; Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
