package dev.portcullis.dataplane.cli;

import dev.portcullis.dataplane.config.LimitOverrides;
import dev.portcullis.dataplane.config.Limits;
import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.CliRun;
import dev.portcullis.dataplane.testsupport.EnvironmentDefaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The data plane's command line: help, version, usage errors and environment defaults, without serving. */
class DataPlaneCommandTest {

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"", "serve"})
    void helpPrintsUsageAndSucceeds(String command) {
        CliRun run = CliRun.of(DataPlaneCommand.commandLine(), args(command, "--help"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith(("Usage: portcullis-dataplane.jar " + command).strip());
        assertThat(run.outFlat()).contains("--bind=ADDR").contains("Env: PORTCULLIS_BIND. Default: 127.0.0.1.")
                .contains("--http-port=N").contains("Default: 8080.").contains("--https-port=N").contains("Default: 8443.")
                .contains("--admin-port=N").contains("Default: 9090.").contains("--https-redirect-port=N")
                .doesNotContain("--min-tls-version");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void serveHelpNamesTheEnvironmentVariables() {
        String help = CliRun.of(DataPlaneCommand.commandLine(), "serve", "--help").outFlat();

        assertThat(help).contains("--snapshot=FILE", "--control-plane=URL", "Env: PORTCULLIS_CONTROL_PLANE",
                "--client-cert=DIR", "Env: PORTCULLIS_CLIENT_CERT", "--ingress-class=NAME", "Env: PORTCULLIS_INGRESS_CLASS");
    }

    @Test
    void helpCommandShowsASubcommandsUsage() {
        CliRun run = CliRun.of(DataPlaneCommand.commandLine(), "help", "serve");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: portcullis-dataplane.jar serve").contains("--snapshot=FILE");
    }

    @ParameterizedTest(name = "{0} --version")
    @ValueSource(strings = {"", "serve"})
    void versionIsTheProjectVersion(String command) {
        CliRun run = CliRun.of(DataPlaneCommand.commandLine(), args(command, "--version"));

        assertThat(run.exitCode()).isZero();
        assertThat(ProjectVersion.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(run.out().strip()).isEqualTo("portcullis-dataplane.jar " + ProjectVersion.version());
    }

    @Test
    void anUnknownOptionIsOneLineWithSuggestionsAndAHint() {
        CliRun run = CliRun.of(DataPlaneCommand.commandLine(), "serve", "--htp-port", "8081");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).startsWith("portcullis-dataplane.jar serve: Unknown option")
                .contains("'--htp-port'").contains("did you mean --http-port");
        assertThat(run.errLines().get(1)).isEqualTo("Try 'java -jar portcullis-dataplane.jar serve --help'.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownCommandSuggestsTheNearestOne() {
        CliRun run = CliRun.of(DataPlaneCommand.commandLine(), "sevre");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("'sevre'").contains("did you mean serve");
    }

    @Test
    void badValuesAndMissingSourcesAreUsageErrors() {
        assertThat(firstErrLine("--https-port", "99999")).contains("--https-port")
                .contains("must be a port number from 0 to 65535, not '99999'");
        assertThat(firstErrLine("--min-tls-version", "1.3")).as("it travels in the snapshot now")
                .contains("Unknown option");
        assertThat(firstErrLine()).contains("--snapshot FILE (or --control-plane URL) is required");
        assertThat(firstErrLine("serve")).contains("--snapshot FILE (or --control-plane URL) is required");
        assertThat(firstErrLine("--control-plane", "https://operator:8443"))
                .contains("--control-plane needs --client-cert DIR");
        assertThat(firstErrLine("--control-plane", "operator:8443", "--client-cert", "certs"))
                .contains("--control-plane takes https://HOST:PORT");
        assertThat(firstErrLine("--snapshot", "s.json", "--control-plane", "https://operator:8443", "--client-cert", "c"))
                .contains("exclude each other");
        assertThat(firstErrLine("extra")).contains("Unmatched argument").contains("'extra'");
    }

    @Test
    void limitsOnTheCommandLineReplaceTheSnapshotsOnesAndOnlyThose() {
        DataPlaneCommand command = parsed(Map.of(), "--snapshot", "s.json", "--request-head-timeout", "500ms",
                "--keep-alive-timeout", "2m", "--body-idle-timeout", "90", "--response-start-timeout", "1h",
                "--max-connections-per-client", "64", "--max-request-line", "4k", "--max-header-size", "1m");

        Limits fromSnapshot = new LimitOverrides(null, null, null, null, 7_000L, null, 300, null, null, null)
                .applyTo(Limits.DEFAULTS);
        Limits served = command.listen.listen().limits().applyTo(fromSnapshot);
        assertThat(served).isEqualTo(new Limits(500, 120_000, 90_000, 3_600_000, 7_000,
                Limits.DEFAULT_TLS_HANDSHAKE_TIMEOUT_MILLIS, 300, 64, 4096, 1024 * 1024));
    }

    @Test
    void aLimitThatIsNotAPositiveDurationOrSizeIsAUsageError() {
        assertThat(firstErrLine("--request-head-timeout", "0")).contains("--request-head-timeout")
                .contains("must be a duration such as 500ms, 10s, 2m or 1h, not '0'");
        assertThat(firstErrLine("--keep-alive-timeout", "soon")).contains("not 'soon'");
        assertThat(firstErrLine("--max-header-size", "-1k")).contains("must be a size such as 512, 8k or 1m");
        assertThat(firstErrLine("--max-header-size", "4096m")).contains("more than 2 GiB");
        assertThat(firstErrLine("--max-connections", "1.5")).contains("must be a whole number of at least 1");
        assertThat(firstErrLine("--body-idle-timeout", "99999999999999h")).contains("too long a duration");
    }

    @Test
    void optionsKeepTheirDefaults() {
        DataPlaneCommand command = parsed(Map.of());

        assertThat(command.listen.listen()).isEqualTo(new DataPlaneServer.Listen("127.0.0.1", 8080, 8443, 9090, 0));
        assertThat(command.source.controlPlane()).isEmpty();
    }

    @Test
    void theEnvironmentSuppliesWhatAContainerSets() {
        DataPlaneCommand command = parsed(Map.of("PORTCULLIS_CONTROL_PLANE", "https://portcullis-operator.edge.svc:8443",
                "PORTCULLIS_CLIENT_CERT", "/var/run/portcullis/client", "PORTCULLIS_INGRESS_CLASS", "blue",
                "PORTCULLIS_BIND", "0.0.0.0"));

        assertThat(command.source.controlPlane()).contains(new ServeOptions.ControlPlane(
                URI.create("https://portcullis-operator.edge.svc:8443"), Path.of("/var/run/portcullis/client"), "blue"));
        assertThat(command.listen.listen().bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void anOptionBeatsItsEnvironmentVariable() {
        DataPlaneCommand command = parsed(Map.of("PORTCULLIS_BIND", "0.0.0.0", "PORTCULLIS_INGRESS_CLASS", "blue",
                "PORTCULLIS_CONTROL_PLANE", "https://a:1", "PORTCULLIS_CLIENT_CERT", "/c"),
                "--bind", "127.0.0.2", "--ingress-class", "green");

        assertThat(command.listen.listen().bindAddress()).isEqualTo("127.0.0.2");
        assertThat(command.source.controlPlane().orElseThrow().ingressClass()).isEqualTo("green");
    }

    @Test
    void anEnvironmentControlPlaneWithoutItsCertificateIsAUsageError() {
        CommandLine commandLine = DataPlaneCommand.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(Map.of("PORTCULLIS_CONTROL_PLANE", "https://a:1")));
        CliRun run = CliRun.of(commandLine);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).contains("--control-plane needs --client-cert DIR (or PORTCULLIS_CLIENT_CERT)");
    }

    @Test
    void helpShowsTheEnvironmentsValueAsTheDefault() {
        CommandLine commandLine = DataPlaneCommand.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(Map.of("PORTCULLIS_BIND", "0.0.0.0")));

        assertThat(CliRun.of(commandLine, "--help").outFlat()).contains("Env: PORTCULLIS_BIND. Default: 0.0.0.0.");
    }

    private static DataPlaneCommand parsed(Map<String, String> environment, String... args) {
        CommandLine commandLine = DataPlaneCommand.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(environment));
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    private static String firstErrLine(String... args) {
        CliRun run = CliRun.of(DataPlaneCommand.commandLine(), args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).as("one line and a hint").hasSize(2);
        return run.errLines().getFirst();
    }

    private static String[] args(String command, String option) {
        return command.isEmpty() ? new String[]{option} : new String[]{command, option};
    }
}
