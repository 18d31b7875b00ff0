package dev.portcullis.operator;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.dataplane.CommandLine;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code portcullis.jar run}: the in-cluster operator with its admin listener ({@code /healthz},
 * {@code /metrics}). Settings come from options, with the pod's namespace from {@code POD_NAMESPACE}.
 */
final class RunCommand {

    static final java.util.Set<String> OPTIONS = java.util.Set.of("namespace", "service-name", "channel-bind",
            "channel-port", "dataplane-service", "publish-address", "server-side-apply", "leader-election", "metrics-port");

    private RunCommand() {
    }

    static int run(CommandLine line) throws Exception {
        String namespace = line.option("namespace", System.getenv().getOrDefault("POD_NAMESPACE", "portcullis"));
        OperatorSettings settings = new OperatorSettings(namespace,
                line.option("service-name", "portcullis-operator"),
                line.option("channel-bind", "0.0.0.0"), line.port("channel-port", 8443),
                line.option("dataplane-service", "portcullis-dataplane"),
                line.options().get("publish-address"),
                flag(line, "server-side-apply", true), flag(line, "leader-election", true), true,
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));
        KubernetesClient client = new KubernetesClientBuilder().build();
        try (OperatorRuntime runtime = OperatorRuntime.start(client, settings)) {
            HttpServer admin = HttpServer.create(new InetSocketAddress(line.option("channel-bind", "0.0.0.0"),
                    line.port("metrics-port", 9091)), 16);
            admin.createContext("/healthz", exchange -> respond(exchange, "ok\n"));
            admin.createContext("/metrics", exchange -> respond(exchange, runtime.scrapeMetrics()));
            admin.start();
            ShutdownSignal.await();
            admin.stop(0);
        } finally {
            client.close();
        }
        return 0;
    }

    private static boolean flag(CommandLine line, String name, boolean fallback) {
        String value = line.options().get(name);
        if (value == null) {
            return fallback;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new CommandLine.UsageException("--" + name + " takes true or false, not \"" + value + "\"");
        };
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
