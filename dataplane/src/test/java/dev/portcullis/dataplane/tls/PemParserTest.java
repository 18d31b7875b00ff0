package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.PrivateKey;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemParserTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("test CA", KeyType.EC_P256);

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void readsPkcs8Keys(KeyType keyType) {
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), keyType);
        KeyMaterial material = PemParser.parse(issued.chainPem(), issued.privateKeyPem());
        assertThat(material.chain()).hasSize(2);
        assertThat(material.leaf()).isEqualTo(issued.leaf());
        assertThat(issued.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void readsTraditionalPkcs1AndSec1Keys(KeyType keyType) {
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), keyType);
        String traditional = traditionalPem(issued.privateKey());
        assertThat(traditional).startsWith(keyType != KeyType.EC_P256
                ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----");
        assertThat(PemParser.parse(issued.chainPem(), traditional).privateKey().getAlgorithm())
                .isEqualTo(issued.privateKey().getAlgorithm());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void rejectsAKeyThatBelongsToAnotherCertificate(KeyType keyType) {
        IssuedCertificate one = CA.issueServer(List.of("one.example.test"), keyType);
        IssuedCertificate two = CA.issueServer(List.of("two.example.test"), keyType);
        IssuedCertificate otherType = CA.issueServer(List.of("three.example.test"),
                keyType == KeyType.EC_P256 ? KeyType.RSA_2048 : KeyType.EC_P256);
        assertThatThrownBy(() -> PemParser.parse(one.chainPem(), two.privateKeyPem()))
                .isInstanceOf(InvalidCertificateException.class)
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> PemParser.parse(one.chainPem(), otherType.privateKeyPem()))
                .isInstanceOf(InvalidCertificateException.class)
                .hasMessageContaining("does not belong");
        assertThat(PemParser.parse(one.chainPem(), traditionalPem(one.privateKey())).leaf()).isEqualTo(one.leaf());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"P-384", "P-521"})
    void matchesKeysOfOtherCurves(String curve) {
        String[] one = opensslSelfSigned(curve);
        String[] two = opensslSelfSigned(curve);
        assertThat(PemParser.parse(one[0], one[1]).privateKey().getAlgorithm()).isEqualTo("EC");
        assertThatThrownBy(() -> PemParser.parse(one[0], two[1]))
                .isInstanceOf(InvalidCertificateException.class)
                .hasMessageContaining("does not belong");
    }

    /** Keys BoringSSL cannot sign handshakes with: refused where they are read, saying what they are. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ed25519", "ec:brainpoolP256r1", "ec:secp256k1", "rsa-pss"})
    void refusesKeysThatTlsCannotServeSayingWhatTheyAre(String kind) {
        String[] made = kind.startsWith("ec:") ? opensslSelfSigned(kind.substring(3)) : opensslSelfSignedWith(List.of(kind));
        assertThatThrownBy(() -> PemParser.parse(made[0], made[1]))
                .isInstanceOf(InvalidCertificateException.class)
                .hasMessageContaining("TLS here cannot use")
                .hasMessageContaining("P-256")
                .hasMessageNotContaining("does not belong");
    }

    /** A certificate and its key, made by openssl on a curve the test CA does not offer. */
    private static String[] opensslSelfSigned(String curve) {
        return opensslSelfSignedWith(List.of("ec", "-pkeyopt", "ec_paramgen_curve:" + curve));
    }

    /** A certificate and its key, made by openssl with {@code -newkey} and these arguments. */
    private static String[] opensslSelfSignedWith(List<String> newKey) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "req", "-x509", "-newkey"));
        command.addAll(newKey);
        command.addAll(List.of("-nodes", "-keyout", "-", "-subj", "/CN=curve.example.test", "-days", "1"));
        Processes.Result made = Processes.run(command, "");
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        String out = made.stdout();
        int certificate = out.indexOf("-----BEGIN CERTIFICATE-----");
        return new String[] {out.substring(certificate), out.substring(0, certificate)};
    }

    @Test
    void explainsBrokenInputWithoutQuotingIt() {
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), KeyType.EC_P256);
        String corruptedKey = issued.privateKeyPem().replace("\n-----END", "SECRETBYTES\n-----END");
        assertThatThrownBy(() -> PemParser.parse(issued.chainPem(), corruptedKey))
                .isInstanceOf(InvalidCertificateException.class)
                .message().doesNotContain("SECRETBYTES").doesNotContain(issued.privateKeyPem().substring(30, 60));
        assertThatThrownBy(() -> PemParser.parse("not pem at all", issued.privateKeyPem()))
                .hasMessageContaining("no CERTIFICATE");
        assertThatThrownBy(() -> PemParser.parse(issued.chainPem(), ""))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> PemParser.parse(issued.privateKeyPem(), issued.privateKeyPem()))
                .hasMessageContaining("where a CERTIFICATE belongs");
        assertThatThrownBy(() -> PemParser.parse(issued.chainPem(), issued.chainPem()))
                .hasMessageContaining("where an unencrypted PRIVATE KEY belongs");
    }

    @Test
    void keyMaterialNeverPrintsItsKey() {
        IssuedCertificate issued = CA.issueServer(List.of("app.example.test"), KeyType.RSA_2048);
        assertThat(issued.toString()).contains("<redacted>").doesNotContain("PRIVATE");
        assertThat(issued.keyMaterial().toString()).contains("<redacted>");
    }

    /** What `openssl pkey -traditional` makes of a PKCS#8 key: PKCS#1 for RSA, SEC1 (with the curve) for EC. */
    private static String traditionalPem(PrivateKey key) {
        Processes.Result converted = Processes.run(List.of("openssl", "pkey", "-traditional"), Pem.privateKey(key));
        assertThat(converted.exitCode()).as(converted.stderr()).isZero();
        return converted.stdout();
    }
}
