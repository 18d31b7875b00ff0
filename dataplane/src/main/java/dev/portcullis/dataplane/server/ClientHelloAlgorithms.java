package dev.portcullis.dataplane.server;

import io.netty.buffer.ByteBuf;

/**
 * Reads from a ClientHello whether the client can take an ECDSA certificate, to serve a host that
 * has both an ECDSA and an RSA certificate the right one: it lists an ECDSA signature scheme, and
 * either speaks TLS 1.3 (whose suites fit any certificate) or offers a TLS 1.2 ECDHE_ECDSA suite.
 * Any ClientHello that does not parse reads as "RSA only": every client can take that.
 */
final class ClientHelloAlgorithms {

    private static final int SUPPORTED_VERSIONS = 43;
    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int TLS_1_3 = 0x0304;

    private ClientHelloAlgorithms() {
    }

    /** @param clientHello the ClientHello body, from its client_version on (as Netty's SNI peek hands it over) */
    static boolean offersEcdsa(ByteBuf clientHello) {
        if (clientHello == null) {
            return false;
        }
        try {
            return scan(clientHello);
        } catch (IndexOutOfBoundsException truncated) {
            return false;
        }
    }

    private static boolean scan(ByteBuf in) {
        int offset = in.readerIndex() + 34; // client_version and random
        int end = in.writerIndex();
        offset += 1 + in.getUnsignedByte(offset); // session_id
        int suitesLength = in.getUnsignedShort(offset);
        boolean ecdsaSuite = false;
        for (int i = offset + 2; i + 1 < offset + 2 + suitesLength && i + 1 < end; i += 2) {
            ecdsaSuite |= isEcdheEcdsa(in.getUnsignedShort(i));
        }
        offset += 2 + suitesLength;
        offset += 1 + in.getUnsignedByte(offset); // compression_methods
        if (offset + 2 > end) {
            return ecdsaSuite; // no extensions: a TLS 1.2 client's defaults include ECDSA with SHA-1
        }
        int extensionsEnd = Math.min(end, offset + 2 + in.getUnsignedShort(offset));
        offset += 2;
        boolean tls13 = false;
        boolean ecdsaSignature = false;
        boolean signaturesListed = false;
        while (offset + 4 <= extensionsEnd) {
            int type = in.getUnsignedShort(offset);
            int length = in.getUnsignedShort(offset + 2);
            int body = offset + 4;
            if (body + length > extensionsEnd) {
                return false;
            }
            if (type == SUPPORTED_VERSIONS && length >= 1) {
                int listEnd = Math.min(body + length, body + 1 + in.getUnsignedByte(body));
                for (int i = body + 1; i + 2 <= listEnd; i += 2) {
                    tls13 |= in.getUnsignedShort(i) == TLS_1_3;
                }
            } else if (type == SIGNATURE_ALGORITHMS && length >= 2) {
                signaturesListed = true;
                int listEnd = Math.min(body + length, body + 2 + in.getUnsignedShort(body));
                for (int i = body + 2; i + 2 <= listEnd; i += 2) {
                    int scheme = in.getUnsignedShort(i); // ecdsa_*: 0x0203, 0x0403, 0x0503, 0x0603
                    ecdsaSignature |= (scheme & 0xFF) == 3 && scheme >> 8 >= 2 && scheme >> 8 <= 6;
                }
            }
            offset = body + length;
        }
        if (!signaturesListed) {
            return ecdsaSuite && !tls13;
        }
        return ecdsaSignature && (tls13 || ecdsaSuite);
    }

    /** TLS 1.2 and earlier suites whose certificate is ECDSA. */
    private static boolean isEcdheEcdsa(int suite) {
        return switch (suite) {
            case 0xC02B, 0xC02C, 0xCCA9, 0xC009, 0xC00A, 0xC023, 0xC024, 0xC0AC, 0xC0AD, 0xC0AE, 0xC0AF -> true;
            default -> false;
        };
    }
}
