package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientCertificatesTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("operator CA", KeyType.EC_P256);

    @TempDir
    Path directory;

    @Test
    void aRenewedSetGivesANewContextOnce() throws Exception {
        MountedSecret secret = new MountedSecret(directory);
        secret.write(issue(), CA);
        ClientCertificates certificates = ClientCertificates.load(directory);
        SSLContext first = certificates.context();
        assertThat(certificates.reloadIfChanged()).as("unchanged").isEmpty();

        secret.write(issue(), CA);
        SSLContext renewed = certificates.reloadIfChanged().orElseThrow();
        assertThat(renewed).isNotSameAs(first).isSameAs(certificates.context());
        assertThat(certificates.reloadIfChanged()).as("loaded already").isEmpty();
    }

    @Test
    void aSetThatDoesNotLoadKeepsTheLastGoodOneUntilAGoodOneComes() throws Exception {
        MountedSecret secret = new MountedSecret(directory);
        secret.write(issue(), CA);
        ClientCertificates certificates = ClientCertificates.load(directory);
        SSLContext good = certificates.context();

        secret.write(issue().chainPem(), issue().privateKeyPem(), CA.certificatePem());
        assertThat(certificates.reloadIfChanged()).as("key of another certificate").isEmpty();
        assertThat(certificates.reloadIfChanged()).isEmpty();
        secret.write(issue().chainPem(), "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n",
                CA.certificatePem());
        assertThat(certificates.reloadIfChanged()).as("unparseable key").isEmpty();
        Files.delete(directory.resolve("tls.key"));
        assertThat(certificates.reloadIfChanged()).as("missing key").isEmpty();
        assertThat(certificates.context()).isSameAs(good);

        secret.write(issue(), CA);
        assertThat(certificates.reloadIfChanged()).isPresent();
    }

    @Test
    void aFolderWithoutAUsableSetFailsTheStart() throws Exception {
        new MountedSecret(directory).write(issue().chainPem(), issue().privateKeyPem(), CA.certificatePem());
        assertThatThrownBy(() -> ClientCertificates.load(directory)).isInstanceOf(IOException.class)
                .hasMessageContaining("private key does not belong");
    }

    @Test
    void toStringShowsNoKey() throws Exception {
        IssuedCertificate client = issue();
        new MountedSecret(directory).write(client, CA);
        String text = ClientCertificates.load(directory).toString();
        String keyBody = client.privateKeyPem().lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
        assertThat(text).contains("redacted").doesNotContain(keyBody).doesNotContain("PRIVATE KEY");
    }

    private static IssuedCertificate issue() {
        return CA.issue(List.of("portcullis-dataplane"), KeyType.EC_P256, Instant.now().minusSeconds(300),
                Instant.now().plus(Duration.ofDays(90)), KeyPurposeId.id_kp_clientAuth);
    }
}
