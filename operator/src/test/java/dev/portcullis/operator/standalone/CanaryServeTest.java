package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.dataplane.testsupport.ScriptedPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canary Ingresses end to end: a main Ingress and its canary as ingress-nginx users write them (and
 * with the portcullis.dev/ names), through {@code serve} (translation, snapshot, data plane), to two
 * real pods, asked with curl; who answered is the first word of the pod's body.
 */
class CanaryServeTest {

    private static final Pattern ANSWERED_BY = Pattern.compile("(?m)^(main|canary) 200$");

    @TempDir
    static Path directory;
    private static ScriptedPod main;
    private static ScriptedPod canary;
    private static ServeCommand serving;

    @BeforeAll
    static void start() throws Exception {
        main = ScriptedPod.start("main");
        canary = ScriptedPod.start("canary");
        Files.writeString(directory.resolve("shop.yaml"), String.join("---\n",
                StandaloneManifests.service("main", main.port()), StandaloneManifests.service("canary", canary.port()),
                ingress("shop", "", "shop.example.test", "main"),
                ingress("shop-canary", """
                          annotations:
                            nginx.ingress.kubernetes.io/canary: "true"
                            nginx.ingress.kubernetes.io/canary-by-header: X-Canary
                            nginx.ingress.kubernetes.io/canary-by-cookie: canary
                        """, "shop.example.test", "canary"),
                ingress("beta", "", "beta.example.test", "main"),
                ingress("beta-canary", """
                          annotations:
                            portcullis.dev/canary: "true"
                            portcullis.dev/canary-by-header: X-Tier
                            portcullis.dev/canary-by-header-pattern: ^(beta|qa)$
                            portcullis.dev/canary-weight: "30"
                        """, "beta.example.test", "canary")));
        serving = ServeCommand.start(directory, DataPlaneServer.Listen.loopbackEphemeral(), Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        serving.close();
        main.close();
        canary.close();
    }

    @Test
    void theTranslationReportsNoProblem() {
        assertThat(serving.problems()).isEmpty();
    }

    @Test
    void theHeaderThenTheCookieChooseThePod() {
        assertThat(answers("shop.example.test", 1)).containsExactly("main");
        assertThat(answers("shop.example.test", 1, "-H", "X-Canary: always")).containsExactly("canary");
        assertThat(answers("shop.example.test", 1, "-H", "X-Canary: never")).containsExactly("main");
        assertThat(answers("shop.example.test", 1, "-b", "canary=always")).containsExactly("canary");
        assertThat(answers("shop.example.test", 1, "-b", "canary=never")).containsExactly("main");
        assertThat(answers("shop.example.test", 1, "-H", "X-Canary: never", "-b", "canary=always")).containsExactly("main");
        assertThat(answers("shop.example.test", 1, "-H", "X-Canary: other", "-b", "canary=always")).containsExactly("canary");
    }

    @Test
    void thePatternSendsItsValuesAndTheWeightAboutThirtyPercentOfTheRest() {
        assertThat(answers("beta.example.test", 1, "-H", "X-Tier: qa")).containsExactly("canary");
        // 400 draws of p = 0.3: mean 120, standard deviation 9.2; six of them either side.
        List<String> pods = answers("beta.example.test", 400, "-H", "X-Tier: prod");
        assertThat(pods).hasSize(400);
        assertThat(pods.stream().filter("canary"::equals).count()).isBetween(65L, 175L);
    }

    /** Which pod answered each of {@code requests} requests curl sends on one connection, in order. */
    private static List<String> answers(String host, int requests, String... options) {
        int port = serving.server().httpAddress().getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "--http1.1", "--fail",
                "--resolve", host + ":" + port + ":127.0.0.1"));
        command.addAll(List.of(options));
        for (int i = 0; i < requests; i++) {
            command.add("http://" + host + ":" + port + "/cart");
        }
        Processes.Result result = Processes.run(command, null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<String> pods = new ArrayList<>();
        Matcher matcher = ANSWERED_BY.matcher(result.stdout());
        while (matcher.find()) {
            pods.add(matcher.group(1));
        }
        return pods;
    }

    private static String ingress(String name, String annotations, String host, String service) {
        return StandaloneManifests.ingress(name, host, service, null, StandaloneManifests.annotationLines(annotations));
    }
}
