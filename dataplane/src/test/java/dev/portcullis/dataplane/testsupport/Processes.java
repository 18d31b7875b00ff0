package dev.portcullis.dataplane.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real client programs (curl, openssl) and captures what they print. */
public final class Processes {
    private Processes() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * What the data plane's launchers pass a JVM: native access for epoll and BoringSSL, and on
     * Java 24+ (which refuse it before) Unsafe memory access for Netty's fast buffers.
     */
    public static List<String> dataPlaneJvmFlags() {
        return Runtime.version().feature() >= 24
                ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
                : List.of("--enable-native-access=ALL-UNNAMED");
    }

    public static Result run(List<String> command, String stdin) {
        try {
            Process process = new ProcessBuilder(command).start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            var stderrReader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return process.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            var stdout = process.getInputStream().readAllBytes();
            var stderr = stderrReader.join();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(process.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                    new String(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Result bash(String commandLine) {
        return run(List.of("bash", "-c", commandLine), null);
    }
}
