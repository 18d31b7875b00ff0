package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A compact key material (what a data plane keeps per served certificate) is the same chain and key
 * as the parsed one it came from: parsed again on demand, equal to it, and written as PEM that
 * parses to it; its text never shows the key.
 */
class KeyMaterialTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("key material CA", KeyType.EC_P256);

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "RSA_2048"})
    void aCompactOneIsTheSameChainAndKey(KeyType keyType) {
        IssuedCertificate issued = CA.issueServer(List.of("compact.example.test"), keyType);
        KeyMaterial parsed = PemParser.parse(issued.chainPem(), issued.privateKeyPem());
        KeyMaterial compact = parsed.compact();

        assertThat(compact).isNotSameAs(parsed).isEqualTo(parsed).hasSameHashCodeAs(parsed);
        assertThat(compact.compact()).isSameAs(compact);
        assertThat(compact.chain()).isEqualTo(parsed.chain());
        assertThat(compact.leaf()).isEqualTo(parsed.leaf());
        assertThat(compact.privateKey()).isEqualTo(parsed.privateKey());
        assertThat(compact.notAfter()).isEqualTo(parsed.notAfter());

        byte[] keyPem = compact.privateKeyPem();
        KeyMaterial again = PemParser.parse(new String(compact.chainPem(), StandardCharsets.US_ASCII),
                new String(keyPem, StandardCharsets.US_ASCII));
        assertThat(again).isEqualTo(parsed);
        assertThat(new String(compact.chainPem(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----\n");

        String base64Key = new String(keyPem, StandardCharsets.US_ASCII).lines()
                .filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
        assertThat(compact.toString()).contains("compact.example.test").contains("<redacted>").doesNotContain(base64Key);
    }
}
