package dev.portcullis.operator.standalone;

import dev.portcullis.operator.annotation.IngressAnnotations;
import dev.portcullis.operator.manifest.ManifestReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CheckCommandTest {

    @TempDir
    Path directory;

    @Test
    void printsOneLinePerProblemAndFailsOnErrors() throws Exception {
        Files.writeString(directory.resolve("ingress.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  namespace: store
                  annotations:
                    portcullis.dev/colour: blue
                spec:
                  tls:
                  - hosts: [shop.example.test]
                    secretName: shop-tls
                  rules:
                  - host: shop.example.test
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: shop
                            port:
                              number: 80
                """);
        Files.writeString(directory.resolve("broken.yml"), "kind: Service\nmetadata: [unclosed\n");
        Files.writeString(directory.resolve("notes.txt"), "not a manifest");

        Output output = check();

        assertThat(output.code).isEqualTo(1);
        assertThat(output.out.lines()).containsExactly(
                "broken.yml: ManifestUnreadable: document 1 is not valid YAML: " + output.out.lines()
                        .filter(line -> line.startsWith("broken.yml")).findFirst().orElseThrow()
                        .substring("broken.yml: ManifestUnreadable: document 1 is not valid YAML: ".length()),
                "store/shop: SecretNotFound: secret store/shop-tls does not exist; shop.example.test is served with the default certificate",
                "store/shop: ServiceNotFound: service store/shop (host shop.example.test path /) does not exist; its requests are answered 503",
                "store/shop: UnknownAnnotation: portcullis.dev/colour is not a Portcullis annotation and is ignored;"
                        + " known: " + String.join(", ", dev.portcullis.operator.annotation.IngressAnnotations.knownNames())
                        + " (warning)");
        assertThat(output.err).contains("3 errors, 1 warning");
    }

    @Test
    void warningsAloneSucceed() throws Exception {
        Files.writeString(directory.resolve("ingress.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: docs
                spec:
                  defaultBackend:
                    service:
                      name: docs
                      port:
                        number: 80
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: docs
                spec:
                  ports:
                  - port: 80
                """);
        Output output = check();
        assertThat(output.code).isZero();
        assertThat(output.out).contains("default/docs: NoReadyEndpoints:");
    }

    @Test
    void nginxAnnotationsNotImplementedAreNamedAndAccessControlOnesFailTheCheck() throws Exception {
        String ingress = """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                    nginx.ingress.kubernetes.io/%s
                spec:
                  defaultBackend:
                    service: {name: docs, port: {number: 80}}
                ---
                """;
        Files.writeString(directory.resolve("ingress.yaml"), ingress.formatted("mirrored", "mirror-uri: /mirror")
                + ingress.formatted("private", "satisfy: any")
                + ingress.formatted("guarded", "auth-type: basic")
                + "apiVersion: v1\nkind: Service\nmetadata: {name: docs}\nspec:\n  ports: [{port: 80}]\n");
        Output output = check();
        assertThat(output.code).isEqualTo(1);
        assertThat(output.out).contains("default/mirrored: NginxAnnotationIgnored: nginx.ingress.kubernetes.io/mirror-uri"
                + " is not implemented by Portcullis and is ignored (warning)");
        assertThat(output.out.lines().filter(line -> line.contains("NginxAnnotationRefused")))
                .anyMatch(line -> line.startsWith("default/private:") && line.contains("satisfy")
                        && !line.endsWith("(warning)"))
                .anyMatch(line -> line.startsWith("default/guarded:") && line.contains("auth-type"));
    }

    @Test
    void unreadableFilesAreOneLineEachAndTheOtherFilesAreStillChecked() throws Exception {
        Files.writeString(directory.resolve("good.yaml"), """
                apiVersion: v1
                kind: Service
                metadata: {name: docs}
                spec:
                  ports: [{port: 80}]
                """);
        // Latin-1, as an old editor saves "café": not UTF-8.
        Files.write(directory.resolve("latin1.yaml"), "kind: Service\nmetadata:\n  name: caf\u00e9\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        Files.write(directory.resolve("binary.yml"), new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        Files.write(directory.resolve("utf16.yaml"), "kind: Service\n".getBytes(StandardCharsets.UTF_16));
        byte[] huge = new byte[ManifestReader.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) '#');
        Files.write(directory.resolve("huge.yaml"), huge);
        StringBuilder bomb = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 10; level++) {
            bomb.append("a").append(level).append(": &a").append(level).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ", ").append("*a").append(level - 1);
            }
            bomb.append("]\n");
        }
        Files.writeString(directory.resolve("bomb.yaml"), bomb);
        Files.writeString(directory.resolve("deep.yaml"), "kind: ConfigMap\ndata: " + "[".repeat(5_000) + "]".repeat(5_000));
        Files.writeString(directory.resolve("deep-block.yaml"), nestedBlocks(500));
        Files.write(directory.resolve("bom.yaml"), ("\uFEFFapiVersion: v1\nkind: Service\nmetadata: {name: blog}\n"
                + "spec:\n  ports: [{port: 80}]\n").getBytes(StandardCharsets.UTF_8));

        Output output = check();

        assertThat(output.code).isEqualTo(1);
        assertThat(output.out.lines()).containsExactly(
                "binary.yml: ManifestUnreadable: is binary (a NUL byte on line 1), not YAML text; nothing in this file is read",
                "bomb.yaml: ManifestUnreadable: document 1 is not valid YAML: YAML aliases (*a0) are not supported;"
                        + " write the value out in full (line 2); the rest of this file is skipped",
                "deep-block.yaml: ManifestUnreadable: document 1 nests deeper than 100 levels; the rest of this file is skipped",
                "deep.yaml: ManifestUnreadable: document 1 nests deeper than 100 levels; the rest of this file is skipped",
                "huge.yaml: ManifestUnreadable: is larger than 8 MiB, the limit per manifest file; split it into several files;"
                        + " nothing in this file is read",
                "latin1.yaml: ManifestUnreadable: is not UTF-8 text (byte 0xE9 on line 3); save it as UTF-8; nothing in this file is read",
                "utf16.yaml: ManifestUnreadable: is UTF-16 text; manifests are read as UTF-8: save it as UTF-8; nothing in this file is read");
        assertThat(output.err).contains("7 errors, 0 warnings");
    }

    @Test
    void aFolderThatVanishesIsOneLine() throws Exception {
        Path gone = directory.resolve("gone");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Files.createDirectory(gone);
        Files.delete(gone);
        int code = CheckCommand.run(gone, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
    }

    private static String nestedBlocks(int depth) {
        StringBuilder yaml = new StringBuilder("kind: ConfigMap\n");
        for (int level = 0; level < depth; level++) {
            yaml.append("  ".repeat(level)).append("k").append(level).append(":\n");
        }
        return yaml.append("  ".repeat(depth)).append("leaf\n").toString();
    }

    @Test
    void anEmptyFolderHasNothingToSay() throws Exception {
        Output output = check();
        assertThat(output.code).isZero();
        assertThat(output.out).isEmpty();
    }

    private record Output(int code, String out, String err) {
    }

    private Output check() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CheckCommand.run(directory, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
