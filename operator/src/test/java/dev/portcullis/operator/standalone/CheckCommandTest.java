package dev.portcullis.operator.standalone;

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
                        + " known: portcullis.dev/affinity, portcullis.dev/backend-ca-secret, portcullis.dev/backend-client-cert-secret,"
                        + " portcullis.dev/backend-server-name, portcullis.dev/backend-verify, portcullis.dev/proxy-protocol,"
                        + " portcullis.dev/ssl-redirect, portcullis.dev/tls-mode (warning)");
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
        Files.writeString(directory.resolve("ingress.yaml"), ingress.formatted("rewritten", "rewrite-target: /")
                + ingress.formatted("private", "whitelist-source-range: 10.0.0.0/8")
                + ingress.formatted("guarded", "auth-url: https://auth.example.test/")
                + "apiVersion: v1\nkind: Service\nmetadata: {name: docs}\nspec:\n  ports: [{port: 80}]\n");
        Output output = check();
        assertThat(output.code).isEqualTo(1);
        assertThat(output.out).contains("default/rewritten: NginxAnnotationIgnored: nginx.ingress.kubernetes.io/rewrite-target"
                + " is not implemented by Portcullis and is ignored (warning)");
        assertThat(output.out.lines().filter(line -> line.contains("NginxAnnotationRefused")))
                .anyMatch(line -> line.startsWith("default/private:") && line.contains("whitelist-source-range")
                        && !line.endsWith("(warning)"))
                .anyMatch(line -> line.startsWith("default/guarded:") && line.contains("auth-url"));
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
