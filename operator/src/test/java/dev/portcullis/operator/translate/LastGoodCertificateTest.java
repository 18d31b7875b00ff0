package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.deploy.DataPlaneSpec;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Secret edited into something that cannot be served keeps the last certificate that was good for
 * its host (issue #16: a bad edit must not switch a host to the self-signed default); only a host
 * that never had a good one falls back to the default certificate. Translation level, one memo
 * ({@link ParsedSecrets}) across translations as the publisher keeps it.
 */
class LastGoodCertificateTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("last good CA", KeyType.EC_P256);
    private static final String HOST = "shop.example.test";
    private static final Instant NOW = Instant.now();
    private static final IssuedCertificate GOOD = CA.issueServer(List.of(HOST), KeyType.EC_P256);
    private static final IssuedCertificate OTHER = CA.issueServer(List.of(HOST), KeyType.EC_P256);

    private final ParsedSecrets memo = new ParsedSecrets();

    @Test
    void corruptPemKeepsTheLastGoodCertificateWithAWarning() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        Translation broken = translate(secret("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n",
                GOOD.privateKeyPem()));
        assertKept(broken, GOOD);
        assertThat(broken.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.isError()).isFalse();
            assertThat(problem.reason()).isEqualTo("LastGoodCertificateKept");
            assertThat(problem.object()).isEqualTo(new ObjectRef("Ingress", "default", "shop"));
            assertThat(problem.message()).contains("SecretInvalid").contains(HOST + " keeps the last good certificate");
        });
        assertThat(broken.lastGoodCertificatesKept()).isEqualTo(1);
        assertThat(broken.hasErrors()).isFalse();
    }

    @Test
    void keyThatDoesNotMatchKeepsTheLastGoodCertificate() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        assertKept(translate(secret(GOOD.chainPem(), OTHER.privateKeyPem())), GOOD);
    }

    @Test
    void missingKeyOrCertificateKeepsTheLastGoodCertificate() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        assertKept(translate(secret(GOOD.chainPem(), null)), GOOD);
    }

    @Test
    void certificateForAnotherHostKeepsTheLastGoodOne() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        IssuedCertificate elsewhere = CA.issueServer(List.of("elsewhere.example.test"), KeyType.EC_P256);
        Translation broken = translate(secret(elsewhere.chainPem(), elsewhere.privateKeyPem()));
        assertKept(broken, GOOD);
        assertThat(broken.problems()).extracting(Problem::message).anyMatch(message -> message.contains("CertificateHostMismatch"));
    }

    @Test
    void editToAnExpiredCertificateKeepsTheValidOne() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        IssuedCertificate expired = CA.issue(List.of(HOST), KeyType.EC_P256, NOW.minus(Duration.ofDays(60)),
                NOW.minus(Duration.ofDays(1)), KeyPurposeId.id_kp_serverAuth);
        Translation edited = translate(secret(expired.chainPem(), expired.privateKeyPem()));
        assertKept(edited, GOOD);
        assertThat(edited.problems()).singleElement().satisfies(problem ->
                assertThat(problem.message()).contains("expired").contains("CertificateExpired"));
    }

    @Test
    void hostWhoseOnlyCertificateEverWasExpiredIsServedItWithAWarning() {
        IssuedCertificate expired = CA.issue(List.of(HOST), KeyType.EC_P256, NOW.minus(Duration.ofDays(60)),
                NOW.minus(Duration.ofDays(1)), KeyPurposeId.id_kp_serverAuth);
        Translation translation = translate(secret(expired.chainPem(), expired.privateKeyPem()));
        assertThat(host(translation.snapshot()).certificate()).isEqualTo("default/shop-tls");
        assertThat(translation.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("CertificateExpired");
            assertThat(problem.isError()).isFalse();
        });
        assertThat(translation.lastGoodCertificatesKept()).isZero();
    }

    @Test
    void hostThatNeverHadAGoodCertificateFallsBackToTheDefault() {
        Translation translation = translate(secret(GOOD.chainPem(), OTHER.privateKeyPem()));
        assertThat(host(translation.snapshot()).certificate()).isNull();
        assertThat(translation.snapshot().certificates()).isEmpty();
        assertThat(translation.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.isError()).isTrue();
            assertThat(problem.reason()).isEqualTo("SecretInvalid");
        });
    }

    @Test
    void repairedSecretIsServedAndTheKeptCertificateLeaves() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        assertKept(translate(secret(GOOD.chainPem(), "garbage")), GOOD);
        Translation repaired = translate(secret(OTHER.chainPem(), OTHER.privateKeyPem()));
        assertThat(host(repaired.snapshot()).certificate()).isEqualTo("default/shop-tls");
        assertThat(repaired.snapshot().certificates()).singleElement()
                .satisfies(certificate -> assertThat(certificate.certificateChainPem()).isEqualTo(OTHER.chainPem()));
        assertThat(repaired.problems()).isEmpty();
        assertThat(repaired.lastGoodCertificatesKept()).isZero();
        // The repaired content is now the last good one.
        assertKept(translate(secret(OTHER.chainPem(), "garbage")), OTHER);
    }

    @Test
    void brokenForSeveralTranslationsStaysOnTheLastGoodCertificate() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        for (int i = 0; i < 3; i++) {
            assertKept(translate(secret(GOOD.chainPem(), "garbage " + i)), GOOD);
        }
    }

    @Test
    void deletedSecretIsForgotten() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        Translation deleted = translate(null);
        assertThat(host(deleted.snapshot()).certificate()).isNull();
        assertThat(deleted.problems()).extracting(Problem::reason).containsExactly("SecretNotFound");
        Translation recreatedBroken = translate(secret(GOOD.chainPem(), "garbage"));
        assertThat(host(recreatedBroken.snapshot()).certificate()).as("a deleted Secret's certificate is not kept").isNull();
    }

    @Test
    void aNewClassStreamStartsWithWhatTheAllClassesStreamRemembers() {
        translate(secret(GOOD.chainPem(), GOOD.privateKeyPem()));
        ParsedSecrets classStream = ParsedSecrets.rememberingFrom(memo);
        Translation broken = IngressTranslator.translate(state(secret(GOOD.chainPem(), "garbage"), List.of()), 2, NOW, classStream);
        assertKept(broken, GOOD);
    }

    @Test
    void dataPlaneDefaultCertificateKeepsItsLastGoodOne() {
        IssuedCertificate fallback = CA.issueServer(List.of("fallback.example.test"), KeyType.EC_P256);
        Secret good = new SecretBuilder(tlsSecret("fallback-tls", fallback.chainPem(), fallback.privateKeyPem()))
                .editMetadata().withNamespace("edge").endMetadata().build();
        Translation first = IngressTranslator.translate(state(secret(GOOD.chainPem(), GOOD.privateKeyPem()), List.of(good)),
                1, NOW, memo);
        assertThat(first.snapshot().defaultCertificate()).isEqualTo("edge/fallback-tls");

        Secret broken = new SecretBuilder(tlsSecret("fallback-tls", fallback.chainPem(), "garbage"))
                .editMetadata().withNamespace("edge").endMetadata().build();
        Translation edited = IngressTranslator.translate(state(secret(GOOD.chainPem(), GOOD.privateKeyPem()), List.of(broken)),
                2, NOW, memo);
        String name = edited.snapshot().defaultCertificate();
        assertThat(name).startsWith("edge/fallback-tls (last good");
        assertThat(certificate(edited.snapshot(), name).certificateChainPem()).isEqualTo(fallback.chainPem());
        assertThat(edited.problemsOf(new ObjectRef("DataPlane", "edge", "edge"))).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("LastGoodCertificateKept");
            assertThat(problem.isError()).isFalse();
        });
        assertThat(edited.lastGoodCertificatesKept()).isEqualTo(1);

        Translation fresh = IngressTranslator.translate(state(secret(GOOD.chainPem(), GOOD.privateKeyPem()), List.of(broken)),
                3, NOW, new ParsedSecrets());
        assertThat(fresh.snapshot().defaultCertificate()).as("never good: the generated default").isNull();
    }

    @Test
    void brokenSecretAfterAnOperatorRestartTellsDataPlanesToKeepWhatTheyServe() {
        ParsedSecrets restarted = ParsedSecrets.forRunningDataPlanes();
        Translation first = IngressTranslator.translate(state(secret(GOOD.chainPem(), "garbage"), List.of()), 1, NOW, restarted);
        assertMarker(first);
        assertThat(first.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.isError()).isFalse();
            assertThat(problem.reason()).isEqualTo("LastGoodCertificateKeptByDataPlanes");
            assertThat(problem.object()).isEqualTo(new ObjectRef("Ingress", "default", "shop"));
            assertThat(problem.message()).contains("SecretInvalid")
                    .contains("the data planes keep the certificate they serve for " + HOST)
                    .contains("a data plane that starts now, or never served one, serves the default certificate");
        });
        assertThat(first.hasErrors()).isFalse();

        // Still broken in later translations: still the marker, not the default certificate.
        assertMarker(IngressTranslator.translate(state(secret(GOOD.chainPem(), "garbage 2"), List.of()), 2, NOW, restarted));

        // Repaired, then broken again: now the operator knows the last good certificate.
        Translation repaired = IngressTranslator.translate(state(secret(GOOD.chainPem(), GOOD.privateKeyPem()), List.of()), 3, NOW, restarted);
        assertThat(host(repaired.snapshot()).certificate()).isEqualTo("default/shop-tls");
        assertThat(repaired.snapshot().certificates()).noneMatch(TlsCertificate::keepServing);
        assertThat(repaired.lastGoodCertificatesKept()).isZero();
        Translation brokenAgain = IngressTranslator.translate(state(secret(GOOD.chainPem(), "garbage"), List.of()), 4, NOW, restarted);
        assertThat(host(brokenAgain.snapshot()).certificate()).startsWith("default/shop-tls (last good, serial ");
    }

    @Test
    void aSecretThatBreaksOnlyAfterTheFirstTranslationIsKnownNotKeptBlind() {
        ParsedSecrets restarted = ParsedSecrets.forRunningDataPlanes();
        IngressTranslator.translate(state(null, List.of()), 1, NOW, restarted);
        Translation created = IngressTranslator.translate(state(secret(GOOD.chainPem(), "garbage"), List.of()), 2, NOW, restarted);
        assertThat(host(created.snapshot()).certificate()).as("never good since the operator started: the default").isNull();
        assertThat(created.problems()).extracting(Problem::reason).containsExactly("SecretInvalid");
    }

    @Test
    void deletedSecretIsNotKeptAfterARestart() {
        Translation missing = IngressTranslator.translate(state(null, List.of()), 1, NOW, ParsedSecrets.forRunningDataPlanes());
        assertThat(host(missing.snapshot()).certificate()).isNull();
        assertThat(missing.problems()).extracting(Problem::reason).containsExactly("SecretNotFound");
    }

    @Test
    void brokenDefaultCertificateAfterARestartTellsDataPlanesToKeepTheirs() {
        IssuedCertificate fallback = CA.issueServer(List.of("fallback.example.test"), KeyType.EC_P256);
        Secret broken = new SecretBuilder(tlsSecret("fallback-tls", fallback.chainPem(), "garbage"))
                .editMetadata().withNamespace("edge").endMetadata().build();
        Translation translation = IngressTranslator.translate(state(secret(GOOD.chainPem(), GOOD.privateKeyPem()), List.of(broken)),
                1, NOW, ParsedSecrets.forRunningDataPlanes());
        String name = translation.snapshot().defaultCertificate();
        assertThat(name).isEqualTo("edge/fallback-tls (keep serving)");
        assertThat(certificate(translation.snapshot(), name).keepServing()).isTrue();
        assertThat(translation.snapshot().validate()).isEmpty();
        assertThat(translation.problemsOf(new ObjectRef("DataPlane", "edge", "edge"))).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("LastGoodCertificateKeptByDataPlanes");
            assertThat(problem.isError()).isFalse();
            assertThat(problem.message()).contains("serves the generated default certificate until the secret is fixed");
        });
        assertThat(translation.lastGoodCertificatesKept()).isEqualTo(1);
    }

    @Test
    void standaloneKnowsItsDataPlaneAndLeavesANeverGoodHostOnTheDefault() {
        // new ParsedSecrets(): the embedded data plane starts with the translator, so it serves nothing to keep.
        Translation translation = IngressTranslator.translate(state(secret(GOOD.chainPem(), "garbage"), List.of()), 1, NOW,
                new ParsedSecrets());
        assertThat(host(translation.snapshot()).certificate()).isNull();
        assertThat(translation.snapshot().certificates()).isEmpty();
    }

    private static void assertMarker(Translation translation) {
        String name = host(translation.snapshot()).certificate();
        assertThat(name).isEqualTo("default/shop-tls (keep serving)");
        TlsCertificate marker = certificate(translation.snapshot(), name);
        assertThat(marker.keepServing()).isTrue();
        assertThat(marker.certificateChainPem()).isNull();
        assertThat(marker.privateKeyPem()).isNull();
        assertThat(translation.snapshot().validate()).isEmpty();
        assertThat(translation.lastGoodCertificatesKept()).isEqualTo(1);
    }

    @Test
    void rsaKeysUnder2048BitsEarnAWarning() {
        IssuedCertificate weak = CA.issueServer(List.of(HOST), KeyType.RSA_1024);
        Translation translation = translate(secret(weak.chainPem(), weak.privateKeyPem()));
        assertThat(host(translation.snapshot()).certificate()).isEqualTo("default/shop-tls");
        assertThat(translation.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("WeakKey");
            assertThat(problem.isError()).isFalse();
            assertThat(problem.message()).contains("1024-bit RSA");
        });
        IssuedCertificate strong = CA.issueServer(List.of(HOST), KeyType.RSA_2048);
        assertThat(translate(secret(strong.chainPem(), strong.privateKeyPem())).problems()).isEmpty();
    }

    private void assertKept(Translation translation, IssuedCertificate expected) {
        String name = host(translation.snapshot()).certificate();
        assertThat(name).as("the host keeps a certificate").startsWith("default/shop-tls (last good, serial ");
        TlsCertificate served = certificate(translation.snapshot(), name);
        assertThat(served.certificateChainPem()).isEqualTo(expected.chainPem());
        assertThat(served.privateKeyPem()).isEqualTo(expected.privateKeyPem());
        assertThat(translation.snapshot().validate()).isEmpty();
        assertThat(translation.lastGoodCertificatesKept()).isEqualTo(1);
    }

    private static TlsCertificate certificate(Snapshot snapshot, String name) {
        return snapshot.certificates().stream().filter(certificate -> certificate.name().equals(name)).findFirst().orElseThrow();
    }

    private static VirtualHost host(Snapshot snapshot) {
        return snapshot.virtualHosts().stream().filter(host -> host.hostname().equals(HOST)).findFirst().orElseThrow();
    }

    private Translation translate(Secret secret) {
        return IngressTranslator.translate(state(secret, List.of()), 1, NOW, memo);
    }

    private static ClusterState state(Secret secret, List<Secret> more) {
        Ingress ingress = new IngressBuilder().withNewMetadata().withName("shop").withNamespace("default").endMetadata()
                .withNewSpec().addNewTl().withHosts(HOST).withSecretName("shop-tls").endTl()
                .addNewRule().withHost(HOST).endRule().endSpec().build();
        List<Secret> secrets = new java.util.ArrayList<>(more);
        if (secret != null) {
            secrets.add(secret);
        }
        DataPlane edge = new DataPlane();
        edge.setMetadata(new ObjectMetaBuilder().withName("edge").withNamespace("edge").withCreationTimestamp("2026-01-01T00:00:00Z").build());
        edge.setSpec(new DataPlaneSpec());
        edge.getSpec().ingressClassName = StandaloneIngressClass.NAME;
        if (!more.isEmpty()) {
            edge.getSpec().tls.defaultCertificateSecret = "fallback-tls";
        }
        return StandaloneIngressClass.ensure(new ClusterState(List.of(ingress), List.of(), secrets, List.of(), List.of(),
                more.isEmpty() ? List.of() : List.of(edge))).servedTo(StandaloneIngressClass.NAME);
    }

    private static Secret secret(String chain, String key) {
        return tlsSecret("shop-tls", chain, key);
    }

    private static Secret tlsSecret(String name, String chain, String key) {
        Map<String, String> data = new java.util.HashMap<>();
        data.put("tls.crt", chain);
        if (key != null) {
            data.put("tls.key", key);
        }
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withType("kubernetes.io/tls").withStringData(data).build();
    }
}
