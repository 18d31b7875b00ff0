import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.deploy.DataPlaneResources;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator and data plane command lines as the Helm chart runs them, on this machine: the
 * images' JVM flags (jib jvmFlags in the parent pom), the chart's JAVA_TOOL_OPTIONS, the chart's
 * arguments, and the container memory limit (512Mi for both, values.yaml) given to the JVM as
 * -XX:MaxRAM so that its heap ergonomics are the pod's. Ports and the bind address are the bench's.
 */
final class ChartProcesses {

    static final String NAMESPACE = "portcullis";
    /** The images' jib jvmFlags (pom.xml). */
    static final List<String> IMAGE_JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-XX:+ExitOnOutOfMemoryError");
    /** values.yaml operator.jvmOptions, set by the chart as JAVA_TOOL_OPTIONS. */
    static final String OPERATOR_JAVA_TOOL_OPTIONS =
            "-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=25 -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -Xss512k -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError";
    /**
     * dataplane/pom.xml image.javaToolOptions: the data plane pods get no JAVA_TOOL_OPTIONS of their own. They
     * name the collector: in a pod under 1792 MiB the JVM would take the serial one, as -XX:MaxRAM alone would not.
     */
    static final String DATAPLANE_JAVA_TOOL_OPTIONS = "-XX:MaxRAMPercentage=40 -XX:InitialRAMPercentage=25 -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30";
    /** values.yaml operator.resources.limits.memory and dataPlane.resources.limits.memory. */
    static final String MEMORY_LIMIT = "-XX:MaxRAM=" + System.getenv().getOrDefault("CP_MEMORY_LIMIT", "512m");
    /** The data plane's alone when CP_DATAPLANE_MEMORY_LIMIT says so. */
    static final String DATAPLANE_MEMORY_LIMIT = System.getenv("CP_DATAPLANE_MEMORY_LIMIT") == null ? MEMORY_LIMIT
            : "-XX:MaxRAM=" + System.getenv("CP_DATAPLANE_MEMORY_LIMIT");

    /** Said in the report: a run with another limit than the chart's does not measure the chart's setting. */
    static String memoryLimit() {
        String operator = MEMORY_LIMIT.equals("-XX:MaxRAM=512m") ? "the chart's 512Mi limit (-XX:MaxRAM=512m)"
                : MEMORY_LIMIT + " (CP_MEMORY_LIMIT; NOT the chart's default 512Mi: bench/run gives 1g above 5,000"
                + " Ingresses, as values.yaml advises)";
        String dataPlane = DATAPLANE_MEMORY_LIMIT.equals("-XX:MaxRAM=512m") ? "the chart's 512Mi limit (-XX:MaxRAM=512m)"
                : DATAPLANE_MEMORY_LIMIT + " (CP_DATAPLANE_MEMORY_LIMIT; NOT the chart's default 512Mi)";
        return (DATAPLANE_MEMORY_LIMIT.equals(MEMORY_LIMIT) ? operator : "operator " + operator + ", data plane " + dataPlane)
                + ", MALLOC_ARENA_MAX=" + MALLOC_ARENA_MAX + ("2".equals(MALLOC_ARENA_MAX) ? " as the images set" : " (NOT the images' 2)");
    }

    /** The chart's DataPlane with values.yaml's defaults (templates/dataplane.yaml). */
    static final String DATAPLANE_YAML = """
            apiVersion: portcullis.dev/v1alpha1
            kind: DataPlane
            metadata: {name: portcullis, namespace: %s}
            spec:
              replicas: 2
              image: ghcr.io/portcullis/portcullis-dataplane:0.1.0
              ingressClassName: portcullis
              service: {type: LoadBalancer, externalTrafficPolicy: Local, httpPort: 80, httpsPort: 443}
              resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {memory: 512Mi}}
              podDisruptionBudget: {enabled: true, minAvailable: "1"}
              tls: {minVersion: "1.2"}
              accessLog: {enabled: true, format: "json", sampleRatio: 1, includeQuery: false}
              drain: {delaySeconds: 5, timeoutSeconds: 30}
            """.formatted(NAMESPACE);

    private ChartProcesses() {
    }

    /** CP_JFR=DIR: each process records a flight recording (settings=profile) into DIR, written when it stops. */
    static List<String> recording(String process) {
        String directory = System.getenv("CP_JFR");
        return directory == null ? List.of() : List.of("-XX:StartFlightRecording=filename=" + directory + "/" + process
                + ".jfr,settings=profile,dumponexit=true");
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** templates/operator.yaml's args, plus the bench's listeners on 127.0.0.1. */
    static List<String> operator(Path jar, int channelPort, int metricsPort) {
        List<String> command = new ArrayList<>(List.of(java().toString()));
        command.addAll(IMAGE_JVM_FLAGS);
        command.add(MEMORY_LIMIT);
        command.addAll(NativeMemory.flags());
        command.addAll(recording("operator"));
        command.addAll(List.of("-jar", jar.toString(), "run", "--namespace=" + NAMESPACE,
                "--service-name=portcullis-operator", "--dataplane-service=portcullis-dataplane",
                "--leader-election=true",
                "--channel-bind=127.0.0.1", "--channel-port=" + channelPort, "--metrics-port=" + metricsPort));
        return command;
    }

    /** pom.xml's jib environment, in both images: glibc's malloc arenas, at most two (CP_MALLOC_ARENA_MAX overrides). */
    static final String MALLOC_ARENA_MAX = System.getenv().getOrDefault("CP_MALLOC_ARENA_MAX", "2");

    static Map<String, String> operatorEnvironment(Path kubeconfig) {
        return Map.of("JAVA_TOOL_OPTIONS", OPERATOR_JAVA_TOOL_OPTIONS, "KUBECONFIG", kubeconfig.toString(),
                "POD_NAMESPACE", NAMESPACE, "MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
    }

    /**
     * The arguments the operator gives the data plane pods (DataPlaneResources.deployment of the
     * chart's DataPlane), with this machine's control-plane URL, certificate folder and ports.
     */
    static List<String> dataPlane(Path jar, String controlPlane, Path clientCert, int http, int https, int admin) {
        DataPlane dataPlane = Serialization.unmarshal(DATAPLANE_YAML, DataPlane.class);
        List<String> args = DataPlaneResources.deployment(dataPlane, controlPlane).getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getArgs();
        Map<String, String> local = Map.of("--control-plane", controlPlane, "--client-cert", clientCert.toString(),
                "--bind", "127.0.0.1", "--http-port", String.valueOf(http), "--https-port", String.valueOf(https),
                "--admin-port", String.valueOf(admin));
        List<String> command = new ArrayList<>(List.of(java().toString()));
        command.addAll(IMAGE_JVM_FLAGS);
        command.add(DATAPLANE_MEMORY_LIMIT);
        command.addAll(NativeMemory.flags());
        command.addAll(recording("dataplane"));
        command.addAll(List.of("-jar", jar.toString()));
        for (int i = 0; i < args.size(); i++) {
            command.add(args.get(i));
            if (local.containsKey(args.get(i)) && i + 1 < args.size()) {
                command.add(local.get(args.get(i)));
                i++;
            }
        }
        return command;
    }

    static Map<String, String> dataPlaneEnvironment() {
        return Map.of("JAVA_TOOL_OPTIONS", DATAPLANE_JAVA_TOOL_OPTIONS, "MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
    }
}
