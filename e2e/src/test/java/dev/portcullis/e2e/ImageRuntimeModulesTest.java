package dev.portcullis.e2e;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The images' jlinked runtime (images/runtime-modules.txt) has every module the two jars use. */
class ImageRuntimeModulesTest {

    @Test
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // jdeps reads two large jars
    void theRuntimeHasEveryModuleJdepsFindsInBothJars() throws Exception {
        Set<String> runtime = Files.readAllLines(Path.of("../images/runtime-modules.txt")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).collect(Collectors.toSet());
        for (String jar : List.of("../dataplane/target/portcullis-dataplane.jar", "../operator/target/portcullis.jar")) {
            assertThat(moduleDependencies(jar)).as("modules %s uses", jar).isNotEmpty().isSubsetOf(runtime);
        }
    }

    private static Set<String> moduleDependencies(String jar) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "--ignore-missing-deps", "--print-module-deps",
                "--multi-release", String.valueOf(Runtime.version().feature()), jar);
        assertThat(exit).as("jdeps: %s", out).isZero();
        String lastLine = out.toString().strip().lines().reduce((first, second) -> second).orElse("");
        return Stream.of(lastLine.split(",")).map(String::strip).collect(Collectors.toSet());
    }
}
