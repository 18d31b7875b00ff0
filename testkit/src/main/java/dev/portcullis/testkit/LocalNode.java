package dev.portcullis.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A whole single-node cluster ({@code testkit/local-node.sh}): control plane, kubelet, kube-proxy,
 * CoreDNS and containerd in a folder of its own, its pods on a bridge made for it. Pods reach the
 * API server through the {@code kubernetes} Service; this host reaches pods and ClusterIPs.
 * Closing stops and removes all of it.
 */
public final class LocalNode implements AutoCloseable {

    /** The script's exit code for "this machine cannot run a node" (a missing program, not root). */
    private static final int UNAVAILABLE = 3;

    private final Path script;
    private final Path directory;
    private final long startMillis;

    private LocalNode(Path script, Path directory, long startMillis) {
        this.script = script;
        this.directory = directory;
        this.startMillis = startMillis;
    }

    /** Starts the node (stopping first what a crashed run left in the folder); Ready when this returns. */
    public static LocalNode start(Path script, Path directory) {
        long started = System.nanoTime();
        Result result = run(List.of("bash", script.toString(), "start", directory.toString()), TimeUnit.MINUTES.toSeconds(5));
        if (result.exitCode() == UNAVAILABLE) {
            throw new KubeBinaries.Unavailable(result.output());
        }
        LocalNode node = new LocalNode(script, directory, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        if (result.exitCode() != 0) {
            node.close();
            throw new IllegalStateException("the local node did not start (" + result.exitCode() + "): " + result.output());
        }
        return node;
    }

    /** How long {@link #start} took, to the node being Ready. */
    public long startMillis() {
        return startMillis;
    }

    public Path kubeconfig() {
        return directory.resolve("admin.kubeconfig");
    }

    public KubernetesClient adminClient() {
        try {
            return new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig(), StandardCharsets.UTF_8))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Imports a docker-archive or OCI tarball into the node's containerd, as {@code kind load image-archive} does. */
    public void importImage(Path tarball) {
        Result result = run(List.of("ctr", "--address", directory.resolve("containerd.sock").toString(), "-n", "k8s.io",
                "images", "import", tarball.toAbsolutePath().toString()), TimeUnit.MINUTES.toSeconds(5));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("ctr images import " + tarball + ": " + result.output());
        }
    }

    /** A log of one of the node's programs (apiserver, kubelet, proxy, coredns, containerd...). */
    public String log(String program) {
        try {
            return Files.readString(directory.resolve("run").resolve(program + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Resident memory of the node: its programs, the container shims and everything running in
     * the containers, from {@code /proc}.
     */
    public long residentKib() {
        Map<Long, List<Long>> children = new HashMap<>();
        Map<Long, Long> rss = new HashMap<>();
        Set<Long> roots = new HashSet<>();
        String shim = "-address " + directory.resolve("containerd.sock");
        for (String line : run(List.of("ps", "-e", "-o", "pid=,ppid=,rss=,args="), 30).output().split("\n")) {
            String[] fields = line.strip().split("\\s+", 4);
            if (fields.length < 4) {
                continue;
            }
            long pid = Long.parseLong(fields[0]);
            children.computeIfAbsent(Long.parseLong(fields[1]), parent -> new ArrayList<>()).add(pid);
            rss.put(pid, Long.parseLong(fields[2]));
            if (fields[3].contains(shim)) {
                roots.add(pid);
            }
        }
        try (var pids = Files.newDirectoryStream(directory.resolve("run"), "*.pid")) {
            for (Path pid : pids) {
                roots.add(Long.parseLong(Files.readString(pid).strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long total = 0;
        List<Long> pending = new ArrayList<>(roots);
        Set<Long> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            long pid = pending.removeLast();
            if (seen.add(pid)) {
                total += rss.getOrDefault(pid, 0L);
                pending.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return total;
    }

    @Override
    public void close() {
        Result result = run(List.of("bash", script.toString(), "stop", directory.toString()), TimeUnit.MINUTES.toSeconds(3));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("the local node did not stop cleanly: " + result.output());
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
