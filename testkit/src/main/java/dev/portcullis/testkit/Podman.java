package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's podman with a configuration and a store of the test's own: the runc runtime (crun fails
 * on this kernel's cgroup layout), vfs storage, cgroupfs, and explicit ulimits (the host's hard
 * {@code nofile} limit is 20000; podman's default asks for more and fails). Closing removes every
 * container and the store.
 */
public final class Podman implements AutoCloseable {

    private final Path home;
    private final List<String> environment;

    private Podman(Path home) {
        this.home = home;
        this.environment = List.of("CONTAINERS_CONF=" + home.resolve("containers.conf"),
                "CONTAINERS_STORAGE_CONF=" + home.resolve("storage.conf"));
    }

    /** A podman that can run a container here, or {@link KubeBinaries.Unavailable} saying why not. */
    public static Podman start(Path home) {
        if (!onPath("podman") || !onPath("runc")) {
            throw new KubeBinaries.Unavailable("podman and runc are not installed (apt-get install podman runc)");
        }
        Podman podman = new Podman(home);
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve("containers.conf"), """
                    [containers]
                    default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                    [engine]
                    runtime = "runc"
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    events_logfile_path = "%s"
                    """.formatted(home.resolve("events.log")));
            Files.writeString(home.resolve("storage.conf"), """
                    [storage]
                    driver = "vfs"
                    runroot = "%s"
                    graphroot = "%s"
                    """.formatted(home.resolve("run"), home.resolve("graph")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Result info = podman.tryRun(List.of("info", "--format", "{{.Host.OCIRuntime.Name}}"));
        if (info.exitCode() != 0) {
            throw new KubeBinaries.Unavailable("podman cannot start here: " + info.output());
        }
        return podman;
    }

    /** Loads a docker-archive or OCI tarball; returns what podman printed (the loaded names). */
    public String load(Path tarball) {
        return run(List.of("load", "--input", tarball.toString()));
    }

    /** {@code podman ARGS}, which must succeed; returns its output, trimmed. */
    public String run(List<String> arguments) {
        Result result = tryRun(arguments);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("podman " + String.join(" ", arguments) + " exited with "
                    + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }

    /** {@code podman ARGS}, whatever its exit code. */
    public Result tryRun(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(environment);
        command.add("podman");
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("podman " + arguments + " did not finish");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Result(int exitCode, String output) {
    }

    @Override
    public void close() {
        tryRun(List.of("rm", "--all", "--force", "--time", "0"));
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a folder under target/: the next clean removes what is left
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, program)));
    }
}
