package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test host of the test's own making: a network namespace joined to this machine by a veth pair
 * on a private /30 (10.213.x.y), standing in for a pod. A real API server refuses EndpointSlice
 * addresses in 127.0.0.0/8, so traffic tests send to such a host, and to no other address.
 * Needs root and iproute2; {@link #close()} removes the namespace, the veth pair and its processes.
 */
public final class NetworkNamespaceHost implements AutoCloseable {

    private final String namespace;
    private final String hostInterface;
    private final String hostAddress;
    private final String address;
    private final List<Process> processes = new ArrayList<>();

    private NetworkNamespaceHost(String namespace, String hostInterface, String hostAddress, String address) {
        this.namespace = namespace;
        this.hostInterface = hostInterface;
        this.hostAddress = hostAddress;
        this.address = address;
    }

    /** Makes the namespace, or throws {@link KubeBinaries.Unavailable} saying why it cannot here. */
    public static NetworkNamespaceHost create() {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        int third = ThreadLocalRandom.current().nextInt(0, 256);
        int fourth = ThreadLocalRandom.current().nextInt(0, 64) * 4;
        String base = "10.213." + third + ".";
        NetworkNamespaceHost host = new NetworkNamespaceHost("pcl-" + id, "pclh" + id, base + (fourth + 1), base + (fourth + 2));
        String peer = "pcln" + id;
        try {
            ip("netns", "add", host.namespace);
            ip("link", "add", host.hostInterface, "type", "veth", "peer", "name", peer);
            ip("link", "set", peer, "netns", host.namespace);
            ip("addr", "add", host.hostAddress + "/30", "dev", host.hostInterface);
            ip("link", "set", host.hostInterface, "up");
            ip("-n", host.namespace, "addr", "add", host.address + "/30", "dev", peer);
            ip("-n", host.namespace, "link", "set", peer, "up");
            ip("-n", host.namespace, "link", "set", "lo", "up");
            return host;
        } catch (RuntimeException e) {
            host.close();
            throw new KubeBinaries.Unavailable("cannot make a network namespace for a test host (root and iproute2 needed): "
                    + e.getMessage());
        }
    }

    /** The host's address inside its namespace (what an EndpointSlice names). */
    public String address() {
        return address;
    }

    /** Starts a program inside the namespace, its output to {@code log}; stopped on {@link #close()}. */
    public Process start(List<String> command, Path log) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        quietly("link", "del", hostInterface);
        quietly("netns", "del", namespace);
    }

    private static void quietly(String... arguments) {
        try {
            ip(arguments);
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    private static void ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
