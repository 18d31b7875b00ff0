package dev.portcullis.e2e;

import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** {@code portcullis.jar run} as its own process, with a kubeconfig and a pod name of its own, on 127.0.0.1. */
final class OperatorProcess implements AutoCloseable {

    final String identity;
    final int channelPort;
    final int metricsPort;
    final Path log;
    private final Process process;

    private OperatorProcess(String identity, int channelPort, int metricsPort, Path log, Process process) {
        this.identity = identity;
        this.channelPort = channelPort;
        this.metricsPort = metricsPort;
        this.log = log;
        this.process = process;
    }

    static OperatorProcess start(String identity, Path kubeconfig, Path work, List<String> options) {
        int channelPort = FreePorts.next();
        int metricsPort = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Processes.dataPlaneJvmFlags());
        command.addAll(List.of("-jar", "../operator/target/portcullis.jar", "run", "--channel-bind=127.0.0.1",
                "--channel-port=" + channelPort, "--metrics-port=" + metricsPort));
        command.addAll(options);
        Path log = work.resolve(identity + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("HOSTNAME", identity); // the Lease holder's identity, as a pod name would be
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OperatorProcess operator = new OperatorProcess(identity, channelPort, metricsPort, log, process);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(identity + " exited: " + operator.output());
            }
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        });
        return operator;
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM, as the kubelet stops a pod. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
