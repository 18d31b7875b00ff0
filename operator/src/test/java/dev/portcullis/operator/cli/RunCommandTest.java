package dev.portcullis.operator.cli;

import dev.portcullis.dataplane.testsupport.CliRun;
import dev.portcullis.dataplane.testsupport.EnvironmentDefaults;
import dev.portcullis.operator.OperatorSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run}'s options: their defaults, the environment a container sets, and options beating both. */
class RunCommandTest {

    @Test
    void optionsKeepTheirDefaults() {
        RunCommand run = parsed(Map.of());

        OperatorSettings settings = run.settings();
        assertThat(settings.namespace()).isEqualTo("portcullis");
        assertThat(settings.serviceName()).isEqualTo("portcullis-operator");
        assertThat(settings.channelBindAddress()).isEqualTo("0.0.0.0");
        assertThat(settings.channelPort()).isEqualTo(8443);
        assertThat(run.metricsPort()).isEqualTo(9091);
        assertThat(settings.dataPlaneService()).isEqualTo("portcullis-dataplane");
        assertThat(settings.publishAddress()).isNull();
        assertThat(settings.serverSideApply()).isTrue();
        assertThat(settings.leaderElection()).isTrue();
        assertThat(settings.exitOnLostLease()).isTrue();
    }

    @Test
    void theEnvironmentSuppliesEveryOption() {
        RunCommand run = parsed(Map.of("POD_NAMESPACE", "edge", "PORTCULLIS_SERVICE_NAME", "gate",
                "PORTCULLIS_CHANNEL_BIND", "127.0.0.1", "PORTCULLIS_CHANNEL_PORT", "18443",
                "PORTCULLIS_METRICS_PORT", "19091", "PORTCULLIS_DATAPLANE_SERVICE", "edge-dataplane",
                "PORTCULLIS_PUBLISH_ADDRESS", "203.0.113.7", "PORTCULLIS_SERVER_SIDE_APPLY", "false",
                "PORTCULLIS_LEADER_ELECTION", "false"));

        OperatorSettings settings = run.settings();
        assertThat(settings.namespace()).isEqualTo("edge");
        assertThat(settings.serviceName()).isEqualTo("gate");
        assertThat(settings.channelBindAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.channelPort()).isEqualTo(18443);
        assertThat(run.metricsPort()).isEqualTo(19091);
        assertThat(settings.dataPlaneService()).isEqualTo("edge-dataplane");
        assertThat(settings.publishAddress()).isEqualTo("203.0.113.7");
        assertThat(settings.serverSideApply()).isFalse();
        assertThat(settings.leaderElection()).isFalse();
    }

    @Test
    void anOptionBeatsItsEnvironmentVariable() {
        RunCommand run = parsed(Map.of("POD_NAMESPACE", "edge", "PORTCULLIS_CHANNEL_PORT", "18443",
                "PORTCULLIS_LEADER_ELECTION", "false"),
                "--namespace", "core", "--channel-port=28443", "--leader-election", "true");

        assertThat(run.settings().namespace()).isEqualTo("core");
        assertThat(run.settings().channelPort()).isEqualTo(28443);
        assertThat(run.settings().leaderElection()).isTrue();
    }

    @Test
    void helpShowsEachVariableAndTheValueItGives() {
        CommandLine commandLine = PortcullisCommand.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(Map.of("PORTCULLIS_CHANNEL_PORT", "18443")));

        String help = CliRun.of(commandLine, "run", "--help").outFlat();
        assertThat(help).contains("Env: PORTCULLIS_CHANNEL_PORT. Default: 18443.", "Env: POD_NAMESPACE. Default: portcullis.",
                "Env: PORTCULLIS_SERVICE_NAME.", "Env: PORTCULLIS_CHANNEL_BIND.", "Env: PORTCULLIS_METRICS_PORT.",
                "Env: PORTCULLIS_DATAPLANE_SERVICE.", "Env: PORTCULLIS_PUBLISH_ADDRESS.",
                "Env: PORTCULLIS_SERVER_SIDE_APPLY.", "Env: PORTCULLIS_LEADER_ELECTION.");
    }

    @Test
    void aBadEnvironmentValueIsAUsageError() {
        CommandLine commandLine = PortcullisCommand.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(Map.of("PORTCULLIS_LEADER_ELECTION", "maybe")));

        CliRun run = CliRun.of(commandLine, "run");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().getFirst()).contains("--leader-election").contains("'maybe' is not a boolean");
    }

    private static RunCommand parsed(Map<String, String> environment, String... options) {
        CommandLine commandLine = PortcullisCommand.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(environment));
        String[] args = new String[options.length + 1];
        args[0] = "run";
        System.arraycopy(options, 0, args, 1, options.length);
        commandLine.parseArgs(args);
        return commandLine.getSubcommands().get("run").getCommand();
    }
}
