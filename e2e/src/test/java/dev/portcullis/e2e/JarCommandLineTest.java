package dev.portcullis.e2e;

import dev.portcullis.dataplane.cli.ProjectVersion;
import dev.portcullis.dataplane.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The built jars' command lines as a user or a container meets them: each a real process with its own
 * environment. (Every subcommand's help and version, in-process: MainTest and DataPlaneCommandTest.)
 */
class JarCommandLineTest {

    private static final String OPERATOR = "../operator/target/portcullis.jar";
    private static final String DATA_PLANE = "../dataplane/target/portcullis-dataplane.jar";

    @TempDir
    Path directory;

    @ParameterizedTest(name = "java -jar {0} {1} --help")
    @CsvSource({OPERATOR + ",''", OPERATOR + ",run", OPERATOR + ",dataplane", DATA_PLANE + ",''", DATA_PLANE + ",serve"})
    void helpPrintsUsageAndExitsZero(String jar, String command) throws Exception {
        Run run = java(jar, Map.of(), words(command, "--help"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Usage: " + Path.of(jar).getFileName() + (command.isEmpty() ? "" : " " + command));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void theInternetFacingDataPlaneJarCarriesNoDemoBackend() throws Exception {
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(DATA_PLANE)) {
            assertThat(jar.stream().map(java.util.zip.ZipEntry::getName))
                    .anyMatch(name -> name.startsWith("dev/portcullis/dataplane/server/"))
                    .noneMatch(name -> name.startsWith("dev/portcullis/dataplane/demo/"));
        }
        assertThat(java(DATA_PLANE, Map.of(), "demo").exitCode()).isEqualTo(2);
    }

    @ParameterizedTest(name = "java -jar {0} {1} --version")
    @CsvSource({OPERATOR + ",''", OPERATOR + ",run", DATA_PLANE + ",''"})
    void versionPrintsTheProjectVersion(String jar, String command) throws Exception {
        Run run = java(jar, Map.of(), words(command, "--version"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(ProjectVersion.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(run.out().strip()).isEqualTo(Path.of(jar).getFileName() + " " + ProjectVersion.version());
    }

    @Test
    void aMistypedOptionIsOneLineWithTheSuggestionAndAHint() throws Exception {
        Run run = java(OPERATOR, Map.of(), "demo", "--htp-port", "8081");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).contains("'--htp-port'").contains("did you mean --http-port");
        assertThat(run.errLines().get(1)).isEqualTo("Try 'java -jar portcullis.jar demo --help'.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMistypedCommandIsOneLineWithTheSuggestion() throws Exception {
        Run run = java(OPERATOR, Map.of(), "deom");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).contains("'deom'").contains("did you mean demo");
    }

    @Test
    void theEnvironmentGivesRunItsDefaults() throws Exception {
        Run run = java(OPERATOR, Map.of("PORTCULLIS_CHANNEL_PORT", "18443", "POD_NAMESPACE", "edge",
                "PORTCULLIS_LEADER_ELECTION", "false"), "run", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outFlat()).contains("Env: PORTCULLIS_CHANNEL_PORT. Default: 18443.",
                "Env: POD_NAMESPACE. Default: edge.", "Env: PORTCULLIS_LEADER_ELECTION. Default: false.");
    }

    @Test
    void theEnvironmentNamesTheDataPlanesOperator() throws Exception {
        // PORTCULLIS_CONTROL_PLANE alone: the data plane means to follow that operator, and says what it lacks.
        Run run = java(DATA_PLANE, Map.of("PORTCULLIS_CONTROL_PLANE", "https://127.0.0.1:" + FreePorts.next(),
                "PORTCULLIS_BIND", "127.0.0.2"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("--control-plane needs --client-cert DIR (or PORTCULLIS_CLIENT_CERT)");
        assertThat(java(DATA_PLANE, Map.of("PORTCULLIS_BIND", "127.0.0.2"), "--help").outFlat())
                .contains("Env: PORTCULLIS_BIND. Default: 127.0.0.2.");
    }

    @Test
    void runWithAnApiServerThatRefusesConnectionsSaysSoInOneLine() throws Exception {
        int nobody = FreePorts.next();
        Path kubeconfig = Files.writeString(directory.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: gone
                  cluster:
                    server: https://127.0.0.1:%d
                    insecure-skip-tls-verify: true
                users:
                - name: someone
                  user:
                    token: not-a-real-token
                contexts:
                - name: gone
                  context: {cluster: gone, user: someone}
                current-context: gone
                """.formatted(nobody));

        Run run = java(OPERATOR, Map.of("KUBECONFIG", kubeconfig.toString(), "HOME", directory.toString()),
                "run", "--channel-port", String.valueOf(FreePorts.next()), "--metrics-port", String.valueOf(FreePorts.next()));

        assertThat(run.exitCode()).isNotZero();
        assertOneLineWithoutStackTrace(run);
        assertThat(run.err()).contains("found no Kubernetes cluster at https://127.0.0.1:" + nobody + "/")
                .contains("KUBECONFIG=" + kubeconfig).contains("connection refused");
    }

    @Test
    void runWithNoKubeconfigAndNoServiceAccountSaysWhereItLooked() throws Exception {
        assumeFalse(Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token")),
                "this machine is a pod: it has a service account");
        Path home = Files.createDirectory(directory.resolve("home"));

        Run run = java(OPERATOR, Map.of("HOME", home.toString(), "KUBECONFIG", "", "KUBERNETES_SERVICE_HOST", "",
                "KUBERNETES_MASTER", ""), "run");

        assertThat(run.exitCode()).isNotZero();
        assertOneLineWithoutStackTrace(run);
        assertThat(run.err()).contains("found no Kubernetes cluster").contains("KUBECONFIG is not set")
                .contains(home.resolve(".kube/config").toString()).contains("in-cluster service account");
    }

    private static void assertOneLineWithoutStackTrace(Run run) {
        assertThat(run.errLines()).as("one line on stderr: %s", run.err()).hasSize(1);
        assertThat(run.out() + run.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    private static String[] words(String command, String option) {
        return command.isEmpty() ? new String[]{option} : new String[]{command, option};
    }

    /** {@code java -jar JAR ARGS} with {@code environment} added; an empty value removes the variable. */
    private Run java(String jar, Map<String, String> environment, String... args) throws IOException, InterruptedException {
        assertThat(Path.of(jar)).as("built by the reactor before this module").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("still running after 60 s: " + command + "\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Run(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        String outFlat() {
            return out.replaceAll("\\s+", " ");
        }
    }
}
