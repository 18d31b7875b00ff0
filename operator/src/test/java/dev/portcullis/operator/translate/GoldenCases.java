package dev.portcullis.operator.translate;

import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.manifest.StandaloneIngressClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The golden translation cases ({@code src/test/resources/translate}), for the tests that run every one. */
final class GoldenCases {

    static final Path CASES = Path.of("src/test/resources/translate");

    private GoldenCases() {
    }

    /** Every case's input manifests, by name. */
    static List<Path> inputs() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
        }
    }

    /** Manifests with their certificate placeholders filled, as the standalone mode reads them. */
    static ClusterState state(String manifests) throws IOException {
        return StandaloneIngressClass.ensure(ManifestReader.readText("case.in.yaml", GoldenCertificates.fill(manifests)).state());
    }
}
