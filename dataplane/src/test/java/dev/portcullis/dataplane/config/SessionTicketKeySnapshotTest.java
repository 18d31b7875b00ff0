package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Session ticket keys in the snapshot: base64 in the JSON, never in a toString, validated. */
class SessionTicketKeySnapshotTest {

    private static final SessionTicketKey KEY = key(1);

    @Test
    void keysTravelAsBase64AndComeBackEqual() {
        Snapshot snapshot = new Snapshot(1, List.of(), List.of(), List.of(), null, null, List.of(KEY, key(2)));
        String json = SnapshotCodec.toJson(snapshot);
        assertThat(json).contains("\"sessionTicketKeys\"").contains(Base64.getEncoder().encodeToString(KEY.aesKey()));
        Snapshot read = SnapshotCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(read).isEqualTo(snapshot);
        assertThat(read.withVersion(7).sessionTicketKeys()).containsExactly(KEY, key(2));
    }

    @Test
    void noKeysAreLeftOutOfTheJson() {
        assertThat(SnapshotCodec.toJson(new Snapshot(1, List.of(), List.of(), List.of(), null))).doesNotContain("sessionTicketKeys");
    }

    @Test
    void toStringNeverShowsKeyBytes() {
        Snapshot snapshot = new Snapshot(1, List.of(), List.of(), List.of(), null, null, List.of(KEY));
        String hmac = HexFormat.of().formatHex(KEY.hmacKey());
        String aes = HexFormat.of().formatHex(KEY.aesKey());
        for (String shown : List.of(KEY.toString(), snapshot.toString())) {
            assertThat(shown).contains("<redacted>").doesNotContain(hmac).doesNotContain(aes)
                    .doesNotContain(Base64.getEncoder().encodeToString(KEY.hmacKey()))
                    .doesNotContain(Base64.getEncoder().encodeToString(KEY.aesKey()));
        }
    }

    @Test
    void badSizesDuplicatesAndTooManyKeysFailValidation() {
        SessionTicketKey shortAes = new SessionTicketKey(new byte[16], new byte[16], new byte[8]);
        assertThat(new Snapshot(1, List.of(), List.of(), List.of(), null, null, List.of(shortAes)).validate())
                .containsExactly("sessionTicketKeys[0]: aesKey must be 16 bytes");
        assertThat(new Snapshot(1, List.of(), List.of(), List.of(), null, null, List.of(KEY, KEY)).validate())
                .containsExactly("sessionTicketKeys[1]: duplicate name");
        List<SessionTicketKey> nine = IntStream.range(0, 9).mapToObj(SessionTicketKeySnapshotTest::key).toList();
        assertThat(new Snapshot(1, List.of(), List.of(), List.of(), null, null, nine).validate())
                .containsExactly("sessionTicketKeys has 9 keys; at most 8");
    }

    @Test
    void theArraysAreCopiedInAndOut() {
        byte[] name = new byte[16];
        SessionTicketKey key = new SessionTicketKey(name, new byte[16], new byte[16]);
        name[0] = 9;
        key.name()[1] = 9;
        assertThat(key.name()).containsOnly(0);
    }

    private static SessionTicketKey key(int seed) {
        byte[] name = new byte[16];
        byte[] hmac = new byte[16];
        byte[] aes = new byte[16];
        java.util.Arrays.fill(name, (byte) seed);
        java.util.Arrays.fill(hmac, (byte) (seed + 100));
        java.util.Arrays.fill(aes, (byte) (seed + 50));
        return new SessionTicketKey(name, hmac, aes);
    }
}
