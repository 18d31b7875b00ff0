package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.ocsp.OcspTestCa;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Staples are an input of the pure translation: attached by chain content, and only while fresh at {@code now}. */
class OcspStaplesTranslationTest {

    private static final String HOST = "shop.example.test";
    private static final OcspTestCa CA = OcspTestCa.create("translation OCSP CA");
    private static final Instant NOW = Instant.now();

    @Test
    void aFreshStapleIsAttachedToItsCertificateOnly() {
        IssuedCertificate certificate = CA.issueServer(List.of(HOST), "http://127.0.0.1:1/ocsp");
        IssuedCertificate renewed = CA.issueServer(List.of(HOST), "http://127.0.0.1:1/ocsp");
        OcspStaples staples = new OcspStaples(Map.of(OcspStaples.keyOf(certificate.chainPem()),
                new OcspStaple("MAMKAQA=", OcspStaple.Status.GOOD, NOW.plus(Duration.ofHours(1)), null, null, "http://r")));

        Translation fresh = IngressTranslator.translate(state(certificate), 1, NOW, new ParsedSecrets(), staples);
        assertThat(served(fresh).ocspResponse()).isEqualTo("MAMKAQA=");
        assertThat(fresh.problems()).isEmpty();

        // The Secret now holds another certificate: the old one's staple never reaches it.
        Translation afterRenewal = IngressTranslator.translate(state(renewed), 1, NOW, new ParsedSecrets(), staples);
        assertThat(served(afterRenewal).ocspResponse()).isNull();

        Translation stale = IngressTranslator.translate(state(certificate), 1, NOW.plus(Duration.ofHours(2)), new ParsedSecrets(), staples);
        assertThat(served(stale).ocspResponse()).isNull();
        assertThat(stale.problems()).extracting(Problem::reason).containsExactly("OcspStapleExpired");
    }

    @Test
    void aFailingRefreshKeepsTheStapleWithAWarning() {
        IssuedCertificate certificate = CA.issueServer(List.of(HOST), "http://127.0.0.1:1/ocsp");
        OcspStaples staples = new OcspStaples(Map.of(OcspStaples.keyOf(certificate.chainPem()),
                new OcspStaple("MAMKAQA=", OcspStaple.Status.GOOD, NOW.plus(Duration.ofHours(1)), null, "HTTP 500", "http://r")));
        Translation translation = IngressTranslator.translate(state(certificate), 1, NOW, new ParsedSecrets(), staples);
        assertThat(served(translation).ocspResponse()).isEqualTo("MAMKAQA=");
        assertThat(translation.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("OcspRefreshFailing");
            assertThat(problem.message()).contains("HTTP 500");
            assertThat(problem.object()).isEqualTo(new ObjectRef("Ingress", "default", "shop"));
        });
    }

    private static TlsCertificate served(Translation translation) {
        String name = translation.snapshot().virtualHosts().getFirst().certificate();
        return translation.snapshot().certificates().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static ClusterState state(IssuedCertificate certificate) {
        return StandaloneIngressClass.ensure(new ClusterState(List.of(new IngressBuilder()
                .withNewMetadata().withName("shop").withNamespace("default").endMetadata()
                .withNewSpec().addNewTl().withHosts(HOST).withSecretName("shop-tls").endTl()
                .addNewRule().withHost(HOST).endRule().endSpec().build()), List.of(),
                List.of(new SecretBuilder().withNewMetadata().withName("shop-tls").withNamespace("default").endMetadata()
                        .withType("kubernetes.io/tls").withStringData(Map.of("tls.crt", certificate.chainPem(),
                                "tls.key", certificate.privateKeyPem())).build()), List.of(), List.of()));
    }
}
