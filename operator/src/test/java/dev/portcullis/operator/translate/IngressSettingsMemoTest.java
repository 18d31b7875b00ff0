package dev.portcullis.operator.translate;

import dev.portcullis.operator.manifest.StandaloneIngressClass;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.portcullis.operator.translate.FreshTranslations.assertSame;
import static dev.portcullis.operator.translate.FreshTranslations.fresh;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A translation that reuses the last one's reading of each Ingress's annotations gives what a
 * fresh translation gives: on every golden case, and across the edits that must be read again.
 */
class IngressSettingsMemoTest {


    @TestFactory
    Stream<DynamicTest> everyGoldenCaseTranslatedAgainWithItsMemoAsAFreshTranslation() throws IOException {
        List<Path> inputs = GoldenCases.inputs();
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            ClusterState state = state(Files.readString(input));
            ParsedSecrets memo = new ParsedSecrets();
            IngressTranslator.translate(state, 1, GoldenCertificates.NOW, memo);
            assertSame(IngressTranslator.translate(state, 1, GoldenCertificates.NOW, memo), fresh(state));
        }));
    }

    @Test
    void anEditedSpecIsRoutedAsWrittenAndEditedAnnotationsAreReadAgain() throws IOException {
        ClusterState before = state(GoldenCertificates.fill(MANIFESTS));
        ParsedSecrets memo = new ParsedSecrets();
        IngressTranslator.translate(before, 1, GoldenCertificates.NOW, memo);

        Ingress shop = ingress(before, "shop");
        Ingress newPath = withPath(shop, "/v2");
        ClusterState specEdited = replace(before, shop, newPath);
        Translation afterSpecEdit = IngressTranslator.translate(specEdited, 2, GoldenCertificates.NOW, memo);
        assertThat(memo.settingsMemo().reused()).as("the shop Ingress's reading, kept across its spec edit").isEqualTo(1);
        assertSame(afterSpecEdit, fresh(specEdited));
        assertThat(shopPath(afterSpecEdit)).isEqualTo("/v2");

        Ingress invalid = new IngressBuilder(newPath).editMetadata().addToAnnotations("portcullis.dev/load-balance", "fastest")
                .endMetadata().build();
        ClusterState annotationsEdited = replace(specEdited, newPath, invalid);
        Translation afterAnnotationEdit = IngressTranslator.translate(annotationsEdited, 3, GoldenCertificates.NOW, memo);
        assertThat(memo.settingsMemo().reused()).as("read again once its annotations changed").isEqualTo(1);
        assertSame(afterAnnotationEdit, fresh(annotationsEdited));
        assertThat(afterAnnotationEdit.problems()).extracting(Problem::reason).contains("InvalidAnnotation");
    }

    @Test
    void aReadingReusedForTheSameObjectIsFoundAgainAfterTheSpecEdit() throws IOException {
        ClusterState before = state(GoldenCertificates.fill(MANIFESTS));
        ParsedSecrets memo = new ParsedSecrets();
        IngressTranslator.translate(before, 1, GoldenCertificates.NOW, memo);
        // The informers hand out the same Ingress objects while nothing changes: found by identity.
        assertSame(IngressTranslator.translate(before, 2, GoldenCertificates.NOW, memo), fresh(before));
        assertThat(memo.settingsMemo().reused()).as("the shop Ingress, the same object").isEqualTo(1);

        Ingress shop = ingress(before, "shop");
        Ingress newPath = withPath(shop, "/v2");
        ClusterState specEdited = replace(before, shop, newPath);
        Translation afterSpecEdit = IngressTranslator.translate(specEdited, 3, GoldenCertificates.NOW, memo);
        assertThat(memo.settingsMemo().reused()).as("a new object with the same annotations, found by them").isEqualTo(2);
        assertSame(afterSpecEdit, fresh(specEdited));
        assertThat(shopPath(afterSpecEdit)).isEqualTo("/v2");
    }

    @Test
    void anIngressThatReadsASecretSeesTheSecretsEdit() throws IOException {
        ClusterState before = state(GoldenCertificates.fill(MANIFESTS));
        ParsedSecrets memo = new ParsedSecrets();
        IngressTranslator.translate(before, 1, GoldenCertificates.NOW, memo);

        // The re-encrypting Ingress's CA Secret loses its ca.crt: that Ingress is left out now.
        Secret ca = before.secret("default", "pods-ca").orElseThrow();
        Secret emptied = new SecretBuilder(ca).withStringData(null).withData(java.util.Map.of("other", "eA==")).build();
        List<Secret> secrets = new ArrayList<>(before.secrets());
        secrets.set(secrets.indexOf(ca), emptied);
        ClusterState after = StandaloneIngressClass.ensure(new ClusterState(before.ingresses(), before.ingressClasses(), secrets,
                before.services(), before.endpointSlices()));
        Translation translated = IngressTranslator.translate(after, 2, GoldenCertificates.NOW, memo);
        assertSame(translated, fresh(after));
        assertThat(translated.snapshot().virtualHosts()).extracting(host -> host.hostname()).containsExactly("shop.example.test");
    }

    private static Ingress withPath(Ingress ingress, String path) {
        return new IngressBuilder(ingress).editSpec().editFirstRule().editHttp().editFirstPath()
                .withPath(path).endPath().endHttp().endRule().endSpec().build();
    }

    private static String shopPath(Translation translation) {
        return translation.snapshot().virtualHosts().stream().filter(host -> host.hostname().equals("shop.example.test"))
                .findFirst().orElseThrow().routes().getFirst().match().path();
    }

    private static final String MANIFESTS = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec: {ports: [{name: http, port: 80}, {name: https, port: 443}]}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: pods-ca, namespace: default}
            stringData: {ca.crt: $CA()}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: shop, namespace: default, annotations: {portcullis.dev/load-balance: least-request}}
            spec:
              rules:
                - host: shop.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: api
              namespace: default
              annotations: {portcullis.dev/tls-mode: reencrypt, portcullis.dev/backend-ca-secret: pods-ca}
            spec:
              rules:
                - host: api.example.test
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: https}}}}]}
            """;

    private static ClusterState state(String manifests) throws IOException {
        return GoldenCases.state(manifests);
    }

    private static Ingress ingress(ClusterState state, String name) {
        return state.ingresses().stream().filter(ingress -> ingress.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static ClusterState replace(ClusterState state, Ingress old, Ingress edited) {
        List<Ingress> ingresses = new ArrayList<>(state.ingresses());
        ingresses.set(ingresses.indexOf(old), edited);
        return StandaloneIngressClass.ensure(new ClusterState(ingresses, state.ingressClasses(), state.secrets(),
                state.services(), state.endpointSlices()));
    }
}
