package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A change to one Ingress's Secret re-parses that Secret only; the translation is the same as without the memo. */
class ParsedSecretsTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("memo CA", KeyType.EC_P256);

    @Test
    void unchangedSecretsAreParsedOnceAcrossTranslations() {
        List<Ingress> ingresses = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ingresses.add(ingress("site-" + i));
            secrets.add(secret("site-" + i, CA.issueServer(List.of("site-" + i + ".example.test"), KeyType.EC_P256)));
        }
        ParsedSecrets memo = new ParsedSecrets();
        Translation first = translate(ingresses, secrets, memo);
        assertThat(memo.parses()).isEqualTo(20);

        Translation again = translate(ingresses, secrets, memo);
        assertThat(memo.parses()).as("nothing changed, nothing parsed").isEqualTo(20);
        assertThat(again.snapshot()).isEqualTo(first.snapshot());

        secrets.set(3, secret("site-3", CA.issueServer(List.of("site-3.example.test"), KeyType.RSA_2048)));
        Translation rotated = translate(ingresses, secrets, memo);
        assertThat(memo.parses()).as("only the rotated Secret").isEqualTo(21);
        assertThat(rotated.snapshot()).isEqualTo(translate(ingresses, secrets, new ParsedSecrets()).snapshot());
        assertThat(memo.size()).as("the old content of site-3 is forgotten").isEqualTo(20);
    }

    @Test
    void aClassStreamSharesTheAllClassesStreamsParsesBothWays() {
        List<Ingress> ingresses = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ingresses.add(ingress("site-" + i));
            secrets.add(secret("site-" + i, CA.issueServer(List.of("site-" + i + ".example.test"), KeyType.EC_P256)));
        }
        ParsedSecrets allClasses = new ParsedSecrets();
        translate(ingresses, secrets, allClasses);
        ParsedSecrets oneClass = ParsedSecrets.rememberingFrom(allClasses);
        Translation classFirst = translate(ingresses, secrets, oneClass);
        assertThat(oneClass.parses()).as("a new class stream parses nothing the all-classes one has").isZero();
        assertThat(classFirst.snapshot()).isEqualTo(translate(ingresses, secrets, new ParsedSecrets()).snapshot());

        // A rotation: the class stream (translated first) parses it, the all-classes stream finds it.
        secrets.set(4, secret("site-4", CA.issueServer(List.of("site-4.example.test"), KeyType.EC_P256)));
        translate(ingresses, secrets, oneClass);
        Translation rotated = translate(ingresses, secrets, allClasses);
        assertThat(oneClass.parses()).isEqualTo(1);
        assertThat(allClasses.parses()).as("the first translation's 10, and nothing more").isEqualTo(10);
        assertThat(rotated.snapshot()).isEqualTo(translate(ingresses, secrets, new ParsedSecrets()).snapshot());
    }

    @Test
    void manySecretsParsedAheadInParallelTranslateAsOneAtATime() {
        List<Ingress> ingresses = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ingresses.add(ingress("site-" + i));
            IssuedCertificate certificate = CA.issueServer(List.of("site-" + i + ".example.test"), KeyType.EC_P256);
            secrets.add(i == 7 ? new SecretBuilder(secret("site-7", certificate)).addToStringData("tls.key", "garbage").build()
                    : secret("site-" + i, certificate));
        }
        ParsedSecrets memo = new ParsedSecrets();
        Translation ahead = translate(ingresses, secrets, memo);
        assertThat(memo.parses()).as("each Secret parsed once, ahead").isEqualTo(40);
        // Below the parse-ahead threshold, one translation per Ingress: each Secret parsed when asked for.
        List<dev.portcullis.dataplane.config.VirtualHost> oneAtATime = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Translation one = translate(List.of(ingresses.get(i)), secrets, new ParsedSecrets());
            oneAtATime.addAll(one.snapshot().virtualHosts());
            problems.addAll(one.problems());
        }
        assertThat(ahead.snapshot().virtualHosts()).containsExactlyInAnyOrderElementsOf(oneAtATime);
        assertThat(ahead.problems()).containsExactlyInAnyOrderElementsOf(problems).isNotEmpty();
        translate(ingresses, secrets, memo);
        assertThat(memo.parses()).as("known from then on").isEqualTo(40);
    }

    private static Translation translate(List<Ingress> ingresses, List<Secret> secrets, ParsedSecrets memo) {
        ClusterState state = StandaloneIngressClass.ensure(new ClusterState(ingresses, List.of(), secrets, List.of(), List.of()));
        return IngressTranslator.translate(state, 1, Instant.now(), memo);
    }

    private static Ingress ingress(String name) {
        String host = name + ".example.test";
        return new IngressBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().addNewTl().withHosts(host).withSecretName(name).endTl()
                .addNewRule().withHost(host).endRule().endSpec().build();
    }

    private static Secret secret(String name, IssuedCertificate certificate) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withType("kubernetes.io/tls")
                .withStringData(Map.of("tls.crt", certificate.chainPem(), "tls.key", certificate.privateKeyPem())).build();
    }
}
