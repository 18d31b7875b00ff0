package dev.portcullis.operator;

import dev.portcullis.dataplane.cli.ProjectVersion;
import dev.portcullis.dataplane.testsupport.CliRun;
import dev.portcullis.operator.cli.PortcullisCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** portcullis.jar's command line: help and version everywhere, and usage errors of one line and a hint. */
class MainTest {

    /** Every command and subcommand, as words before the option. */
    static final List<String> COMMANDS = List.of("", "run", "serve", "check", "demo", "dataplane", "dataplane serve",
            "help");
    /** The same less {@code help}, which has --help only. */
    static final List<String> WITH_VERSION = COMMANDS.stream().filter(command -> !command.equals("help")).toList();

    @TempDir
    Path directory;

    @ParameterizedTest(name = "[{0}] --help")
    @FieldSource("COMMANDS")
    void helpPrintsUsageAndSucceeds(String command) {
        CliRun run = run(words(command, "--help"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        if (command.equals("help")) {
            assertThat(run.out()).contains("Usage: portcullis.jar help [-h] [COMMAND]");
        } else {
            assertThat(run.out()).startsWith(("Usage: portcullis.jar " + command).strip() + " ");
        }
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "[{0}] --version")
    @FieldSource("WITH_VERSION")
    void versionIsTheProjectVersion(String command) {
        CliRun run = run(words(command, "--version"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo("portcullis.jar " + ProjectVersion.version());
    }

    @Test
    void everyCommandIsCovered() {
        assertThat(PortcullisCommand.commandLine().getSubcommands().keySet())
                .containsExactly("run", "serve", "check", "demo", "dataplane", "help");
        assertThat(PortcullisCommand.commandLine().getSubcommands().get("dataplane").getSubcommands().keySet())
                .containsExactly("serve", "help");
    }

    @Test
    void helpNamesEveryCommandAndHelpCommandShowsOne() {
        assertThat(run("--help").out()).contains("run ", "serve ", "check ", "demo ", "dataplane ", "help ");
        CliRun help = run("help", "check");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: portcullis.jar check").contains("-f, --file=DIR");
    }

    @Test
    void theOptionsKeepTheirNames() {
        assertThat(run("run", "--help").outFlat()).contains("--namespace=NS", "--service-name=NAME",
                "--channel-bind=ADDR", "--channel-port=N", "--metrics-port=N", "--dataplane-service=NAME",
                "--publish-address=ADDR", "--server-side-apply=true|false", "--leader-election=true|false");
        for (String command : List.of("serve", "demo")) {
            assertThat(run(command, "--help").outFlat()).contains("--bind=ADDR", "--http-port=N", "--https-port=N",
                    "--admin-port=N", "--https-redirect-port=N");
        }
        assertThat(run("demo", "--help").outFlat()).contains("--dir=DIR", "Default: portcullis-demo.");
        assertThat(run("dataplane", "--help").outFlat()).contains("--snapshot=FILE", "--control-plane=URL",
                "--client-cert=DIR", "--ingress-class=NAME");
    }

    @Test
    void unknownCommandsAndOptionsAreOneLineWithSuggestions() {
        assertThat(usageError("chek", "-f", "x")).contains("'chek'").contains("did you mean check");
        assertThat(usageError("frobnicate")).contains("Unmatched argument").contains("'frobnicate'");
        assertThat(usageError("demo", "--colour", "blue")).startsWith("portcullis.jar demo: Unknown option")
                .contains("'--colour'");
        assertThat(usageError("serve", "-f", directory.toString(), "--htps-port", "1"))
                .containsPattern("did you mean .*--https-port");
        assertThat(usageError("run", "--namespce", "x")).contains("did you mean --namespace");
        assertThat(usageError("dataplane", "--snaphot", "s.json")).startsWith("portcullis.jar dataplane: ")
                .contains("did you mean --snapshot");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThat(usageError()).contains("a command is required");
        assertThat(usageError("dataplane")).contains("--snapshot FILE (or --control-plane URL) is required");
        assertThat(usageError("run", "--leader-election", "maybe")).contains("--leader-election")
                .contains("'maybe' is not a boolean");
        assertThat(usageError("run", "--channel-port", "http")).contains("must be a port number from 0 to 65535");
        assertThat(usageError("demo", "--https-port", "99999")).contains("must be a port number from 0 to 65535");
        assertThat(usageError("check")).contains("Missing required option: '--file=DIR'");
        assertThat(usageError("serve", "-f", directory.resolve("absent").toString())).contains("is not a folder");
    }

    @Test
    void checkRunsThroughTheCommandLine() throws Exception {
        java.nio.file.Files.writeString(directory.resolve("empty.yaml"), "");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("check", "--file=" + directory)).isZero();
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("0 errors, 0 warnings; 0 hosts would be served");
    }

    @Test
    void mainsHelpSucceeds() {
        assertThat(Main.run("--help")).isZero();
    }

    private static String usageError(String... args) {
        CliRun run = run(args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).as("one line and a hint: %s", run.err()).hasSize(2);
        assertThat(run.errLines().get(1)).startsWith("Try 'java -jar portcullis.jar").endsWith(" --help'.");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
        return run.errLines().getFirst();
    }

    private static CliRun run(String... args) {
        return CliRun.of(PortcullisCommand.commandLine(), args);
    }

    private static String[] words(String command, String option) {
        List<String> words = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        words.add(option);
        return words.toArray(String[]::new);
    }
}
