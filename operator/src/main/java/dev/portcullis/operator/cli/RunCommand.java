package dev.portcullis.operator.cli;

import dev.portcullis.dataplane.cli.ListenOptions;
import dev.portcullis.dataplane.cli.ProjectVersion;
import dev.portcullis.dataplane.runtime.ShutdownSignal;
import dev.portcullis.operator.OperatorRuntime;
import dev.portcullis.operator.OperatorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code portcullis.jar run}: the in-cluster operator with its admin listener ({@code /healthz},
 * {@code /metrics}). Every option can also come from the environment, as a container sets it.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
                "The in-cluster operator (the container's default command): watches Ingresses, IngressClasses, "
                        + "Secrets, Services and EndpointSlices, serves snapshots to data planes over mutual TLS, "
                        + "writes Ingress status and Warning Events.",
                "Finds its cluster as kubectl does: KUBECONFIG, else ~/.kube/config, else the pod's service "
                        + "account; exits 1 at once when none answers."})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE:-portcullis}",
            description = "The operator's namespace: its CA and the data planes' client certificate live here. "
                    + "Env: POD_NAMESPACE. Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = "--service-name", paramLabel = "NAME",
            defaultValue = "${env:PORTCULLIS_SERVICE_NAME:-portcullis-operator}",
            description = "The operator's Service, whose DNS names the channel's certificate carries. "
                    + "Env: PORTCULLIS_SERVICE_NAME. Default: ${DEFAULT-VALUE}.")
    String serviceName;

    @Option(names = "--channel-bind", paramLabel = "ADDR", defaultValue = "${env:PORTCULLIS_CHANNEL_BIND:-0.0.0.0}",
            description = "Address of the snapshot channel and of the metrics listener. "
                    + "Env: PORTCULLIS_CHANNEL_BIND. Default: ${DEFAULT-VALUE}.")
    String channelBind;

    @Option(names = "--channel-port", paramLabel = "N", defaultValue = "${env:PORTCULLIS_CHANNEL_PORT:-8443}",
            converter = ListenOptions.Port.class,
            description = "Port of the snapshot channel that data planes long-poll over mutual TLS. "
                    + "Env: PORTCULLIS_CHANNEL_PORT. Default: ${DEFAULT-VALUE}.")
    int channelPort;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "${env:PORTCULLIS_METRICS_PORT:-9091}",
            converter = ListenOptions.Port.class,
            description = "Port of /healthz and /metrics. Env: PORTCULLIS_METRICS_PORT. Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(names = "--dataplane-service", paramLabel = "NAME",
            defaultValue = "${env:PORTCULLIS_DATAPLANE_SERVICE:-portcullis-dataplane}",
            description = "The data plane Service whose load balancer address goes into Ingress status. "
                    + "Env: PORTCULLIS_DATAPLANE_SERVICE. Default: ${DEFAULT-VALUE}.")
    String dataPlaneService;

    @Option(names = "--publish-address", paramLabel = "ADDR", defaultValue = "${env:PORTCULLIS_PUBLISH_ADDRESS}",
            description = "An address to write into Ingress status instead of the data plane Service's. "
                    + "Env: PORTCULLIS_PUBLISH_ADDRESS.")
    String publishAddress;

    @Option(names = "--server-side-apply", paramLabel = "true|false", arity = "1",
            defaultValue = "${env:PORTCULLIS_SERVER_SIDE_APPLY:-true}",
            description = "Write Ingress status with server-side apply. "
                    + "Env: PORTCULLIS_SERVER_SIDE_APPLY. Default: ${DEFAULT-VALUE}.")
    boolean serverSideApply;

    @Option(names = "--leader-election", paramLabel = "true|false", arity = "1",
            defaultValue = "${env:PORTCULLIS_LEADER_ELECTION:-true}",
            description = "Only the holder of the Lease portcullis-operator writes status and Events (every replica "
                    + "serves snapshots). Env: PORTCULLIS_LEADER_ELECTION. Default: ${DEFAULT-VALUE}.")
    boolean leaderElection;

    @Override
    public Integer call() throws Exception {
        Config cluster = ClusterProbe.reach();
        dev.portcullis.dataplane.runtime.RuntimeCheck.logAtStart("operator");
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster).build();
             OperatorRuntime runtime = OperatorRuntime.start(client, settings());
             MetricsEndpoint ignored = MetricsEndpoint.start(channelBind, metricsPort, runtime::scrapeMetrics)) {
            ShutdownSignal.await();
        } finally {
            ShutdownSignal.done();
        }
        return 0;
    }

    OperatorSettings settings() {
        return new OperatorSettings(namespace, serviceName, channelBind, channelPort, dataPlaneService,
                publishAddress == null || publishAddress.isBlank() ? null : publishAddress,
                serverSideApply, leaderElection, true,
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    int metricsPort() {
        return metricsPort;
    }
}
