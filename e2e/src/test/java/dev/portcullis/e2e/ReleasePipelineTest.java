package dev.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.dataplane.testsupport.Processes;
import dev.portcullis.testkit.KubeBinaries;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release and CI workflows (they cannot run here): linted by actionlint, their scripts by
 * shellcheck, and read as data to check that they run the README's own commands, publish nothing
 * before the tests pass, pin every action to a commit and give each job only the token permissions
 * it uses.
 */
class ReleasePipelineTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
    private static final String ACTIONLINT_VERSION = env("PORTCULLIS_ACTIONLINT_VERSION", "1.7.12");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PINNED = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}");

    @Test
    void actionlintFindsNothing() {
        assertNoFindings(runActionlint(actionlint(), "-shellcheck=", "-pyflakes="));
    }

    @Test
    void shellcheckFindsNothingInTheWorkflowsScripts() {
        Path actionlint = actionlint();
        Path shellcheck = onPath("shellcheck").orElseThrow(() -> new KubeBinaries.Unavailable(
                "no shellcheck on PATH, which actionlint runs on every run: script (apt-get install -y shellcheck)").skipOrFail());
        assertNoFindings(runActionlint(actionlint, "-shellcheck=" + shellcheck, "-pyflakes="));
    }

    @Test
    void ciAndTheReleaseRunTheReadmesTestCommandThroughCiRun() throws IOException {
        List<String> testCommand = words(readmeBlockAfter("## 2. Test it").getFirst());
        assertThat(testCommand).as("README's test command").isEqualTo(List.of("./mvnw", "-Pimages", "verify"));
        assertThat(lastCommand(Files.readString(ROOT.resolve(".ci/run")))).as(".ci/run ends in the README's test command")
                .isEqualTo(testCommand);

        JsonNode ci = workflow("ci.yml");
        assertThat(fieldNames(ci.path("on"))).contains("push", "pull_request", "workflow_call");
        assertThat(ci.at("/on/push/branches").toString()).contains("\"main\"");
        List<String> runs = runs(ci.at("/jobs/test"));
        assertThat(runs).as("ci.yml's test job runs .ci/run")
                .anySatisfy(run -> assertThat(words(run)).endsWith("bash", ".ci/run"));

        JsonNode release = workflow("release.yml");
        assertThat(release.at("/on/push/tags").toString()).isEqualTo("[\"v*\"]");
        assertThat(release.at("/jobs/test/uses").asText()).as("the release tests with ci.yml")
                .isEqualTo("./.github/workflows/ci.yml");
    }

    @Test
    void nothingIsPublishedBeforeTheTestsPass() {
        JsonNode jobs = workflow("release.yml").path("jobs");
        for (String job : fieldNames(jobs)) {
            if (publishes(jobs.path(job))) {
                assertThat(transitiveNeeds(jobs, job)).as(job + " publishes, so it needs the test job").contains("test");
            }
        }
        assertThat(fieldNames(jobs).stream().filter(job -> publishes(jobs.path(job)))).as("jobs that publish")
                .containsExactlyInAnyOrder("images", "manifest", "chart");
    }

    @Test
    void imagesAreBuiltWithTheReadmesImageCommandOnARunnerOfEachArchitecture() throws IOException {
        List<String> readmeCommand = words(readmeBlocks().stream().filter(line -> line.contains("-Pimages") && line.contains("package")).findFirst()
                .orElseThrow(() -> new AssertionError("README documents no image command (-Pimages)")));
        assertThat(readmeCommand).startsWith("./mvnw").contains("-Pimages", "package");

        JsonNode images = workflow("release.yml").at("/jobs/images");
        List<List<String>> mavenRuns = runs(images).stream().map(ReleasePipelineTest::words)
                .filter(words -> words.contains("-Pimages")).toList();
        assertThat(mavenRuns).as("one Maven image build").hasSize(1);
        List<String> run = mavenRuns.getFirst();
        assertThat(run.subList(0, Math.min(run.size(), readmeCommand.size()))).as("the README's command, then only the registry and tag")
                .isEqualTo(readmeCommand);
        assertThat(run.subList(readmeCommand.size(), run.size()))
                .containsExactlyInAnyOrder("-Dportcullis.image.registry=\"$REGISTRY\"", "-Dportcullis.image.tag=\"$VERSION\"");
        assertThat(images.at("/env/REGISTRY").asText()).isEqualTo("${{ needs.meta.outputs.registry }}");
        assertThat(images.at("/env/VERSION").asText()).isEqualTo("${{ needs.meta.outputs.version }}");
        assertThat(runs(workflow("release.yml").at("/jobs/meta")).getFirst())
                .contains("ghcr.io/${GITHUB_REPOSITORY_OWNER,,}", "version=\"${GITHUB_REF_NAME#v}\"");

        assertThat(images.at("/runs-on").asText()).isEqualTo("${{ matrix.runner }}");
        Map<String, String> runners = new LinkedHashMap<>();
        images.at("/strategy/matrix/include").forEach(entry -> runners.put(entry.path("arch").asText(), entry.path("runner").asText()));
        assertThat(runners).containsExactlyInAnyOrderEntriesOf(Map.of("amd64", "ubuntu-24.04", "arm64", "ubuntu-24.04-arm"));

        JsonNode setupJava = step(images, "actions/setup-java@");
        assertThat(setupJava.at("/with/distribution").asText()).isEqualTo("temurin");
        assertThat(setupJava.at("/with/java-version").asText()).isEqualTo("25");

        // The tarballs pushed and scanned are the ones the README says the command writes.
        Set<String> readmeTarballs = new TreeSet<>();
        Matcher tarball = Pattern.compile("`([a-z]+/target/[a-z-]+-image\\.tar)`").matcher(Files.readString(ROOT.resolve("README.md")));
        while (tarball.find()) {
            readmeTarballs.add(tarball.group(1));
        }
        assertThat(readmeTarballs).hasSize(2);
        Set<String> pushed = new TreeSet<>();
        Set<String> scanned = new TreeSet<>();
        for (JsonNode step : images.path("steps")) {
            Matcher archive = Pattern.compile("docker-archive:(\\S+)").matcher(step.path("run").asText());
            while (archive.find()) {
                pushed.add(archive.group(1));
            }
            if (step.path("uses").asText().startsWith("anchore/sbom-action@")) {
                scanned.add(step.at("/with/image").asText().replaceFirst("^docker-archive:", ""));
            }
        }
        assertThat(pushed).as("pushed").isEqualTo(readmeTarballs);
        assertThat(scanned).as("SBOMs").isEqualTo(readmeTarballs);
    }

    @Test
    void everyActionIsPinnedToACommit() {
        List<String> uses = new ArrayList<>();
        for (Path file : workflowFiles()) {
            JsonNode workflow = read(file);
            for (JsonNode job : workflow.path("jobs")) {
                if (job.has("uses")) {
                    uses.add(job.path("uses").asText());
                }
                job.path("steps").forEach(step -> {
                    if (step.has("uses")) {
                        uses.add(step.path("uses").asText());
                    }
                });
            }
        }
        assertThat(uses).isNotEmpty().allSatisfy(action -> assertThat(action.startsWith("./") || PINNED.matcher(action).matches())
                .as("%s: pin to a full commit SHA (with the version as a comment)", action).isTrue());
    }

    @Test
    void eachJobGetsOnlyTheTokenPermissionsItUses() {
        for (Path file : workflowFiles()) {
            JsonNode workflow = read(file);
            assertThat(workflow.path("permissions").isObject() && workflow.path("permissions").isEmpty())
                    .as("%s: permissions: {} at the top, each job asks for its own", file.getFileName()).isTrue();
            JsonNode jobs = workflow.path("jobs");
            for (String name : fieldNames(jobs)) {
                JsonNode job = jobs.path(name);
                String where = file.getFileName() + " job " + name;
                assertThat(job.has("permissions")).as(where + " declares its permissions").isTrue();
                String scripts = String.join("\n", runs(job));
                boolean signs = scripts.contains("cosign sign") || scripts.contains("cosign attest");
                boolean pushes = signs || scripts.contains("skopeo copy") || scripts.contains("imagetools create")
                        || scripts.contains("helm push");
                Map<String, String> granted = new LinkedHashMap<>();
                job.path("permissions").properties().forEach(entry -> granted.put(entry.getKey(), entry.getValue().asText()));
                assertThat(granted.get("id-token")).as(where + ": id-token").isEqualTo(signs ? "write" : null);
                assertThat(granted.get("packages")).as(where + ": packages").isEqualTo(pushes ? "write" : null);
                granted.forEach((scope, level) -> {
                    if (!scope.equals("id-token") && !scope.equals("packages")) {
                        assertThat(level).as(where + ": " + scope).isEqualTo("read");
                    }
                });
                if (!job.path("steps").isEmpty() && stepUses(job).anyMatch(uses -> uses.startsWith("actions/checkout@"))) {
                    assertThat(step(job, "actions/checkout@").at("/with/persist-credentials").asBoolean(true))
                            .as(where + ": the checkout keeps no token in .git/config").isFalse();
                }
            }
        }
        assertThat(workflow("release.yml").at("/concurrency/cancel-in-progress").asBoolean(true))
                .as("a release is never cancelled half-way").isFalse();
    }

    private static void assertNoFindings(JsonNode findings) {
        List<String> lines = new ArrayList<>();
        findings.forEach(finding -> lines.add("%s:%d:%d: [%s] %s".formatted(finding.path("filepath").asText(),
                finding.path("line").asInt(), finding.path("column").asInt(), finding.path("kind").asText(),
                finding.path("message").asText())));
        assertThat(lines).as("actionlint's findings:\n" + String.join("\n", lines)).isEmpty();
    }

    private static JsonNode runActionlint(Path actionlint, String... options) {
        List<String> command = new ArrayList<>(List.of(actionlint.toString(), "-no-color", "-format", "{{json .}}"));
        command.addAll(Arrays.asList(options));
        workflowFiles().forEach(file -> command.add(file.toString()));
        Processes.Result result = Processes.run(command, null);
        // 0: no findings, 1: findings; anything else is a failure to lint at all.
        assertThat(result.exitCode()).as("actionlint: " + result.stderr()).isIn(0, 1);
        String output = result.stdout().strip();
        try {
            JsonNode findings = output.isEmpty() ? JSON.createArrayNode() : JSON.readTree(output);
            return findings.isNull() ? JSON.createArrayNode() : findings;
        } catch (IOException e) {
            throw new AssertionError("actionlint printed no JSON: " + output + result.stderr(), e);
        }
    }

    /** actionlint: {@code PORTCULLIS_ACTIONLINT}, else where testkit/build-actionlint.sh puts it, else on PATH. */
    private static Path actionlint() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("PORTCULLIS_ACTIONLINT")).filter(value -> !value.isBlank()).map(Path::of)
                .ifPresent(candidates::add);
        candidates.add(Path.of(env("PORTCULLIS_TOOLS_DIR", System.getProperty("user.home") + "/.cache/portcullis"),
                "actionlint", ACTIONLINT_VERSION, "actionlint"));
        onPath("actionlint").ifPresent(candidates::add);
        Path found = candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new KubeBinaries.Unavailable(
                "no actionlint (looked at " + candidates + "); testkit/build-actionlint.sh builds it from its Go module").skipOrFail());
        Processes.Result version = Processes.run(List.of(found.toString(), "-version"), null);
        assertThat(version.exitCode()).as(found + " -version: " + version.stderr()).isZero();
        return found;
    }

    private static Optional<Path> onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry, program)).filter(Files::isExecutable).findFirst();
    }

    private static List<Path> workflowFiles() {
        try (Stream<Path> files = Files.list(WORKFLOWS)) {
            List<Path> found = files.filter(file -> file.toString().endsWith(".yml") || file.toString().endsWith(".yaml"))
                    .sorted().toList();
            assertThat(found).extracting(file -> file.getFileName().toString()).contains("ci.yml", "release.yml");
            return found;
        } catch (IOException e) {
            throw new AssertionError("no " + WORKFLOWS, e);
        }
    }

    private static JsonNode workflow(String name) {
        return read(WORKFLOWS.resolve(name));
    }

    private static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static List<String> runs(JsonNode job) {
        List<String> runs = new ArrayList<>();
        job.path("steps").forEach(step -> {
            if (step.has("run")) {
                runs.add(step.path("run").asText());
            }
        });
        return runs;
    }

    private static Stream<String> stepUses(JsonNode job) {
        List<String> uses = new ArrayList<>();
        job.path("steps").forEach(step -> uses.add(step.path("uses").asText()));
        return uses.stream();
    }

    private static JsonNode step(JsonNode job, String usesPrefix) {
        for (JsonNode step : job.path("steps")) {
            if (step.path("uses").asText().startsWith(usesPrefix)) {
                return step;
            }
        }
        throw new AssertionError("no step uses " + usesPrefix);
    }

    /** A job publishes when it pushes to a registry or signs there. */
    private static boolean publishes(JsonNode job) {
        String scripts = String.join("\n", runs(job));
        return Stream.of("skopeo copy", "imagetools create", "helm push", "cosign sign", "cosign attest").anyMatch(scripts::contains);
    }

    private static Set<String> transitiveNeeds(JsonNode jobs, String job) {
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(job));
        while (!next.isEmpty()) {
            JsonNode needs = jobs.path(next.pop()).path("needs");
            List<String> direct = new ArrayList<>();
            if (needs.isTextual()) {
                direct.add(needs.asText());
            }
            needs.forEach(need -> direct.add(need.asText()));
            direct.stream().filter(seen::add).forEach(next::push);
        }
        return seen;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Shell words, roughly: line continuations joined, split on blanks (enough for these commands, which quote no blanks). */
    private static List<String> words(String command) {
        return List.of(command.replace("\\\n", " ").strip().split("\\s+"));
    }

    /** The last command of a script: its last line that is neither blank nor a comment. */
    private static List<String> lastCommand(String script) {
        List<String> lines = script.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        return words(lines.getLast());
    }

    /** Every line of every fenced code block in the README. */
    private static List<String> readmeBlocks() throws IOException {
        List<String> lines = new ArrayList<>();
        Matcher block = Pattern.compile("(?ms)^```[a-z]*\\n(.*?)^```").matcher(Files.readString(ROOT.resolve("README.md")));
        while (block.find()) {
            lines.addAll(block.group(1).replace("\\\n", " ").lines().toList());
        }
        return lines;
    }

    /** The lines of the first fenced code block after a heading. */
    private static List<String> readmeBlockAfter(String heading) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int at = readme.indexOf("\n" + heading + "\n");
        assertThat(at).as("README has the heading " + heading).isNotNegative();
        Matcher block = Pattern.compile("(?ms)^```[a-z]*\\n(.*?)^```").matcher(readme);
        assertThat(block.find(at)).as("a code block after " + heading).isTrue();
        return block.group(1).lines().toList();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
