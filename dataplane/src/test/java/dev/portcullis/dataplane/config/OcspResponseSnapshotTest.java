package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A certificate's OCSP staple in the snapshot: optional in JSON, checked, and never printed. */
class OcspResponseSnapshotTest {

    private static final String CHAIN = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

    @Test
    void leftOutOfTheJsonWhenAbsentAndCarriedWhenPresent() {
        Snapshot without = snapshot(new TlsCertificate("c", CHAIN, KEY));
        assertThat(SnapshotCodec.toJson(without)).doesNotContain("ocspResponse");
        Snapshot with = snapshot(new TlsCertificate("c", CHAIN, KEY).withOcspResponse("MAMKAQA="));
        String json = SnapshotCodec.toJson(with);
        assertThat(json).contains("\"ocspResponse\" : \"MAMKAQA=\"");
        assertThat(SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8)).certificates().getFirst().ocspResponse())
                .isEqualTo("MAMKAQA=");
    }

    @Test
    void aStapleMustBeBase64AndSmall() {
        assertThat(snapshot(new TlsCertificate("c", CHAIN, KEY).withOcspResponse("MAMKAQA=")).validate()).isEmpty();
        assertThat(snapshot(new TlsCertificate("c", CHAIN, KEY).withOcspResponse("not base64!")).validate())
                .containsExactly("certificates[0] \"c\": ocspResponse is not base64");
        assertThat(snapshot(new TlsCertificate("c", CHAIN, KEY).withOcspResponse("A".repeat(16 * 1024 + 4))).validate())
                .containsExactly("certificates[0] \"c\": ocspResponse must be 1 to 16384 base64 characters");
    }

    @Test
    void toStringShowsOnlyTheLength() {
        TlsCertificate certificate = new TlsCertificate("c", CHAIN, KEY).withOcspResponse("MAMKAQA=");
        assertThat(certificate.toString()).contains("ocspResponse=8 chars").doesNotContain("MAMKAQA=").doesNotContain("MIIE");
    }

    private static Snapshot snapshot(TlsCertificate certificate) {
        return new Snapshot(1, List.of(new VirtualHost("app.example.test", TlsMode.TERMINATE, "c", List.of())), List.of(),
                List.of(certificate), null);
    }
}
