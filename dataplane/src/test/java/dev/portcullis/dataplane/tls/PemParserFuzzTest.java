package dev.portcullis.dataplane.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PEM certificates and keys as they come from a Secret: any text gives certificates and a key, or an
 * {@link InvalidCertificateException} whose message quotes none of the input; what parses is written
 * back by {@link Pem} and reads the same. Corpus: {@code src/test/resources/dev/portcullis/dataplane/tls/PemParserFuzzTestInputs/}.
 */
class PemParserFuzzTest {

    private static final String[] BLOCK_TYPES = {"CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY", "PUBLIC KEY", "X509 CRL", "CERTIFICATE REQUEST"};

    /** Free text: {@code tls.crt}, a NUL, then {@code tls.key} (without a NUL, the same text is both). */
    @FuzzTest(maxDuration = "30s")
    void secretText(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int nul = text.indexOf('\0');
        String chain = nul < 0 ? text : text.substring(0, nul);
        String key = nul < 0 ? text : text.substring(nul + 1);
        check(chain, key);
    }

    /**
     * DER bytes in a PEM block, so that the fuzzer works on ASN.1 rather than on base64: the first
     * byte picks the block type for the chain and the key, the rest is the DER.
     */
    @FuzzTest(maxDuration = "30s")
    void derInPem(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String type = BLOCK_TYPES[(input[0] & 0x7f) % BLOCK_TYPES.length];
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(Arrays.copyOfRange(input, 1, input.length))
                + "\n-----END " + type + "-----\n";
        check(pem, pem);
    }

    private static void check(String chainPem, String keyPem) {
        List<X509Certificate> chain = null;
        try {
            chain = PemParser.certificates(chainPem);
            assertThat(chain).isNotEmpty();
            assertThat(PemParser.certificates(Pem.certificates(chain))).isEqualTo(chain);
        } catch (InvalidCertificateException expected) {
            assertQuotesNoInput(expected, chainPem);
        }
        PrivateKey key = null;
        try {
            key = PemParser.privateKey(keyPem);
            assertThat(key).isNotNull();
            assertThat(PemParser.privateKey(Pem.privateKey(key)).getEncoded()).isEqualTo(key.getEncoded());
        } catch (InvalidCertificateException expected) {
            assertQuotesNoInput(expected, keyPem);
        }
        try {
            KeyMaterial material = PemParser.parse(chainPem, keyPem);
            assertThat(chain).as("parse accepts only a chain that certificates() accepts").isNotNull();
            assertThat(key).as("parse accepts only a key that privateKey() accepts").isNotNull();
            assertThat(material.chain()).isEqualTo(chain);
        } catch (InvalidCertificateException expected) {
            assertQuotesNoInput(expected, keyPem);
        }
    }

    /** No line of the input that could be key material (base64 of 16 characters or more) shows in the message. */
    private static void assertQuotesNoInput(InvalidCertificateException e, String input) {
        assertThat(e.getMessage()).isNotNull();
        for (String line : input.split("[\r\n]+")) {
            String trimmed = line.strip();
            if (trimmed.length() >= 16 && !trimmed.startsWith("-----") && trimmed.matches("[A-Za-z0-9+/=]+")) {
                assertThat(e.getMessage()).doesNotContain(trimmed);
            }
        }
    }
}
