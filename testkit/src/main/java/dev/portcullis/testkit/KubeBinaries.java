package dev.portcullis.testkit;

import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.binary.BinaryManager;

import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the real control plane's programs are: the folder kube-api-test reads,
 * {@code $PORTCULLIS_KUBE_DIR/k8s/<version>-linux-amd64/} (default {@code ~/.cache/portcullis/kube}).
 * {@code testkit/build-kube-binaries.sh} builds them there from Go modules; where they are missing,
 * kube-api-test downloads etcd, kube-apiserver and kubectl (it has no kube-controller-manager).
 */
public record KubeBinaries(Path etcd, Path apiServer, Path kubectl, Optional<Path> controllerManager) {

    public static final String VERSION = env("PORTCULLIS_KUBE_VERSION", "1.37.2");

    public static Path directory() {
        return Path.of(env("PORTCULLIS_KUBE_DIR", System.getProperty("user.home") + "/.cache/portcullis/kube"));
    }

    /** The binaries, downloading what kube-api-test can where they are missing; throws {@link Unavailable} with the reason. */
    public static KubeBinaries locate() {
        BinaryManager manager = new BinaryManager(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(directory().toString()).withApiServerVersion(VERSION)
                .withOfflineMode(env("PORTCULLIS_KUBE_DOWNLOAD", "true").equals("false")).build());
        try {
            manager.initAndDownloadIfRequired();
        } catch (RuntimeException e) {
            throw new Unavailable("no etcd and kube-apiserver " + VERSION + " under " + directory()
                    + " and kube-api-test could not download them (" + e.getMessage()
                    + "); run testkit/build-kube-binaries.sh to build them from Go modules");
        }
        Path apiServer = manager.binaries().getApiServer().toPath();
        Path controllerManager = apiServer.resolveSibling("kube-controller-manager");
        return new KubeBinaries(manager.binaries().getEtcd().toPath(), apiServer, manager.binaries().getKubectl().toPath(),
                Files.isExecutable(controllerManager) ? Optional.of(controllerManager) : Optional.empty());
    }

    public Path requireControllerManager() {
        return controllerManager.orElseThrow(() -> new Unavailable("no kube-controller-manager next to " + apiServer
                + " (kube-api-test does not download it); run testkit/build-kube-binaries.sh to build it"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The real API server cannot run here; the message says why and what to do. */
    public static final class Unavailable extends RuntimeException {

        /** Set by {@code .ci/run}: on a machine that can build and run the binaries, a skip is a failure. */
        public static final String REQUIRE = "PORTCULLIS_REQUIRE_REAL_API_SERVER";

        public Unavailable(String message) {
            super(message);
        }

        /** What a test should throw: a skip with the reason, or a failure where {@value #REQUIRE} is true. */
        public RuntimeException skipOrFail() {
            if ("true".equals(System.getenv(REQUIRE))) {
                return new IllegalStateException("required here (" + REQUIRE + "=true): " + getMessage(), this);
            }
            return new TestAbortedException("skipped: " + getMessage());
        }
    }
}
