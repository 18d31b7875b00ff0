package dev.portcullis.e2e;

import dev.portcullis.dataplane.testsupport.FreePorts;
import dev.portcullis.dataplane.testsupport.Processes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command as a user runs it: the built jar's {@code demo}, then every line it
 * prints, pasted into a shell.
 */
class DemoCommandTest {

    @TempDir
    Path directory;

    @ParameterizedTest(name = "java -jar {0} demo")
    @ValueSource(strings = {"../operator/target/portcullis.jar"})
    void everyPrintedLineWorks(String jar) throws Exception {
        assertThat(Path.of(jar)).as("built by the reactor before this module").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process demo = new ProcessBuilder(java, "-jar", jar, "demo", "--dir", directory.toString(),
                "--http-port", String.valueOf(FreePorts.next()), "--https-port", String.valueOf(FreePorts.next()),
                "--admin-port", String.valueOf(FreePorts.next()))
                .redirectError(directory.resolve("demo.log").toFile())
                .start();
        try {
            List<String> lines = printedCommands(demo);
            boolean manifests = jar.endsWith("portcullis.jar");
            assertThat(lines).hasSize(manifests ? 12 : 9);
            Set<String> appBackends = new HashSet<>();
            for (String line : lines) {
                Processes.Result result = Processes.bash(line);
                assertThat(result.exitCode()).as("%s\n%s", line, result.stderr()).isZero();
                String output = result.stdout() + result.stderr();
                if (line.contains("https://secure.example.test")) {
                    assertThat(field(output, "backend")).isEqualTo("passthrough-pod");
                    assertThat(output).containsPattern("proxy-header: V2 TCP4 127.0.0.1:\\d+ -> 127.0.0.1:\\d+");
                } else if (line.startsWith("openssl") && line.contains("secure.example.test")) {
                    assertThat(output).contains("Verification: OK").contains("Peer certificate: CN = secure.example.test");
                } else if (line.contains("https://app.example.test")) {
                    appBackends.add(field(output, "backend"));
                    assertThat(field(output, "x-forwarded-proto")).isEqualTo("https");
                } else if (line.endsWith("/v1/users")) {
                    assertThat(field(output, "backend")).isIn(manifests ? List.of("tls-pod") : List.of("echo-2", "echo-3"));
                } else if (line.endsWith("/healthz")) {
                    assertThat(output).contains("request: GET /healthz HTTP/1.1");
                } else if (line.endsWith("/not-routed")) {
                    assertThat(output).startsWith("404 Not Found");
                } else if (line.endsWith("/plain")) {
                    assertThat(field(output, "x-forwarded-proto")).isEqualTo("http");
                } else if (line.startsWith("openssl")) {
                    assertThat(output).contains("Verification: OK").contains("Protocol version: TLSv1.3");
                } else if (line.startsWith("curl -si")) {
                    assertThat(output).startsWith("HTTP/1.1 308 Permanent Redirect").containsPattern(
                            "(?i)location: https://api.example.test:\\d+/v1/users\\?page=2");
                } else if (line.endsWith("/metrics")) {
                    assertThat(output).contains("portcullis_requests_total{host=\"app.example.test\",status=\"2xx\"} 4.0"); // three over https, one plain
                }
            }
            assertThat(appBackends).as("three requests, three backends in turn")
                    .containsExactlyInAnyOrder("echo-1", "echo-2", "echo-3");
            if (jar.endsWith("portcullis.jar")) {
                // The demo's manifests are real ones: check finds no error in them.
                Processes.Result check = Processes.run(List.of(java, "-jar", jar, "check", "-f", directory.toString()), null);
                assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
                assertThat(check.stderr()).contains("0 errors, 0 warnings; 3 hosts would be served");
            } else {
                assertThat(directory.resolve("snapshot.json")).exists();
            }
            assertThat(Files.readString(directory.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
        } finally {
            demo.destroy();
            assertThat(demo.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }

    private static List<String> printedCommands(Process demo) throws Exception {
        List<String> commands = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("Ctrl-C")) {
            if (line.startsWith("  curl ") || line.startsWith("  openssl ")) {
                commands.add(line.trim());
            }
        }
        assertThat(line).as("the demo printed its instructions").isNotNull();
        return commands;
    }

    private static String field(String output, String name) {
        return output.lines().map(String::trim).filter(l -> l.startsWith(name + ": "))
                .map(l -> l.substring(name.length() + 2)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing in:\n" + output));
    }
}
