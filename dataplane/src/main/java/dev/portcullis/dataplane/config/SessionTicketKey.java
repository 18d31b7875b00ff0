package dev.portcullis.dataplane.config;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One TLS session ticket key: the name a ticket carries to say which key sealed it, and the HMAC
 * and AES keys that seal it (16 bytes each, BoringSSL's format). In the JSON each is base64.
 * {@link #toString()} shows only the name's first bytes, never a key; the arrays are copied in
 * and out, and equality is by content.
 */
public record SessionTicketKey(byte[] name, byte[] hmacKey, byte[] aesKey) {

    public static final int NAME_BYTES = 16;
    public static final int HMAC_KEY_BYTES = 16;
    public static final int AES_KEY_BYTES = 16;

    public SessionTicketKey {
        name = copy(name);
        hmacKey = copy(hmacKey);
        aesKey = copy(aesKey);
    }

    @Override
    public byte[] name() {
        return copy(name);
    }

    @Override
    public byte[] hmacKey() {
        return copy(hmacKey);
    }

    @Override
    public byte[] aesKey() {
        return copy(aesKey);
    }

    /** Every problem with the sizes, for the validator; empty when the key is usable. */
    String problem() {
        if (name == null || name.length != NAME_BYTES) {
            return "name must be " + NAME_BYTES + " bytes";
        }
        if (hmacKey == null || hmacKey.length != HMAC_KEY_BYTES) {
            return "hmacKey must be " + HMAC_KEY_BYTES + " bytes";
        }
        if (aesKey == null || aesKey.length != AES_KEY_BYTES) {
            return "aesKey must be " + AES_KEY_BYTES + " bytes";
        }
        return null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionTicketKey key && Arrays.equals(name, key.name)
                && Arrays.equals(hmacKey, key.hmacKey) && Arrays.equals(aesKey, key.aesKey);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(name) + Arrays.hashCode(hmacKey)) + Arrays.hashCode(aesKey);
    }

    /** The name is no secret (every ticket carries it in clear); its first four bytes tell keys apart in a dump. */
    @Override
    public String toString() {
        String shown = name == null ? "null" : HexFormat.of().formatHex(name, 0, Math.min(4, name.length)) + "…";
        return "SessionTicketKey[name=" + shown + ", hmacKey=<redacted>, aesKey=<redacted>]";
    }

    private static byte[] copy(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }
}
