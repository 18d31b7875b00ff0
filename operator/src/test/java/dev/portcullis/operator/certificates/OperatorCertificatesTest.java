package dev.portcullis.operator.certificates;

import dev.portcullis.dataplane.tls.PemParser;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class OperatorCertificatesTest {

    KubernetesClient client;

    @Test
    void theCaIsCreatedOnceAndSharedAndCertificatesRenewBeforeTheyExpire() {
        Instant now = Instant.now();
        OperatorCertificates first = OperatorCertificates.loadOrCreate(client, "portcullis",
                List.of("portcullis-operator.portcullis.svc"), Clock.fixed(now, ZoneOffset.UTC));
        OperatorCertificates second = OperatorCertificates.loadOrCreate(client, "portcullis",
                List.of("portcullis-operator.portcullis.svc"), Clock.fixed(now, ZoneOffset.UTC));
        assertThat(second.ca().certificate()).as("a second replica reads the same CA").isEqualTo(first.ca().certificate());
        BigInteger clientSerial = clientLeaf().getSerialNumber();
        assertThat(clientLeaf().getIssuerX500Principal()).isEqualTo(first.ca().certificate().getSubjectX500Principal());

        // Not yet due: nothing changes.
        assertThat(second.renewIfDue()).isFalse();
        assertThat(clientLeaf().getSerialNumber()).isEqualTo(clientSerial);

        // Two thirds of the 90-day life later, both are renewed.
        OperatorCertificates later = OperatorCertificates.loadOrCreate(client, "portcullis",
                List.of("portcullis-operator.portcullis.svc"), Clock.fixed(now.plus(Duration.ofDays(61)), ZoneOffset.UTC));
        assertThat(clientLeaf().getSerialNumber()).isNotEqualTo(clientSerial);
        assertThat(later.serving().leaf().getNotAfter().toInstant()).isAfter(now.plus(Duration.ofDays(100)));
    }

    private X509Certificate clientLeaf() {
        Secret secret = client.secrets().inNamespace("portcullis").withName(OperatorCertificates.CLIENT_SECRET).get();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
        return PemParser.certificates(new String(Base64.getDecoder().decode(secret.getData().get("tls.crt")),
                StandardCharsets.UTF_8)).getFirst();
    }
}
