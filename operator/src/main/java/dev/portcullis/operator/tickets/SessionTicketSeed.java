package dev.portcullis.operator.tickets;

import dev.portcullis.dataplane.config.SessionTicketKey;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The secret that session ticket keys come from, and the rotation period. Keys are derived, never
 * stored: key(i) = HKDF-SHA256(seed, info = "portcullis ticket key" || i) for the rotation index
 * i = floor(now / period). Every process holding the seed (operator replicas, an operator after a
 * restart, two {@code serve} processes on one folder) derives the same keys at the same time, with
 * no write at a rotation; data planes receive only derived keys, never the seed.
 *
 * <p>A snapshot carries key(i), which seals new tickets, and the {@link #PREVIOUS_KEYS} before it,
 * which still open tickets: a ticket opens for at least four periods and at most five. With the
 * default hour that covers the 4 h lifetime BoringSSL announces in TLS 1.2 tickets (its TLS 1.3
 * tickets announce 2 days, which tcnative offers no way to lower; an older ticket just gets a full
 * handshake).
 *
 * @param seed   32 random bytes; {@link #toString()} never shows them
 * @param period how often the sealing key changes
 */
public record SessionTicketSeed(byte[] seed, Duration period) {

    public static final int SEED_BYTES = 32;
    public static final Duration DEFAULT_PERIOD = Duration.ofHours(1);
    public static final Duration MIN_PERIOD = Duration.ofMinutes(1);
    public static final Duration MAX_PERIOD = Duration.ofDays(7);
    /** Keys kept after the sealing one, so that a ticket lives at least this many periods. */
    public static final int PREVIOUS_KEYS = 4;

    private static final byte[] INFO = "portcullis ticket key".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_BYTES = SessionTicketKey.NAME_BYTES + SessionTicketKey.HMAC_KEY_BYTES
            + SessionTicketKey.AES_KEY_BYTES;

    public SessionTicketSeed {
        if (seed == null || seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("the seed must be " + SEED_BYTES + " bytes");
        }
        if (period == null || period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("the rotation period must be between 1 minute and 7 days");
        }
        seed = seed.clone();
    }

    public static SessionTicketSeed generate(Duration period) {
        byte[] seed = new byte[SEED_BYTES];
        new SecureRandom().nextBytes(seed);
        return new SessionTicketSeed(seed, period);
    }

    @Override
    public byte[] seed() {
        return seed.clone();
    }

    /** The rotation index at {@code now}: which key seals. */
    public long index(Instant now) {
        return Math.floorDiv(now.toEpochMilli(), period.toMillis());
    }

    /** When the next key starts sealing. */
    public Instant nextRotation(Instant now) {
        return Instant.ofEpochMilli(Math.multiplyExact(index(now) + 1, period.toMillis()));
    }

    /** The keys of the snapshot at {@code now}, newest (the sealing one) first. */
    public List<SessionTicketKey> keys(Instant now) {
        long index = index(now);
        List<SessionTicketKey> keys = new ArrayList<>();
        for (long i = index; i >= index - PREVIOUS_KEYS; i--) {
            keys.add(key(i));
        }
        return List.copyOf(keys);
    }

    /** key(i) = HKDF-SHA256(seed, info = "portcullis ticket key" || i as 8 bytes), split into name, HMAC and AES keys. */
    public SessionTicketKey key(long index) {
        byte[] info = ByteBuffer.allocate(INFO.length + Long.BYTES).put(INFO).putLong(index).array();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(seed, null, info));
        byte[] okm = new byte[KEY_BYTES];
        hkdf.generateBytes(okm, 0, okm.length);
        int hmacStart = SessionTicketKey.NAME_BYTES;
        int aesStart = hmacStart + SessionTicketKey.HMAC_KEY_BYTES;
        SessionTicketKey key = new SessionTicketKey(Arrays.copyOfRange(okm, 0, hmacStart),
                Arrays.copyOfRange(okm, hmacStart, aesStart), Arrays.copyOfRange(okm, aesStart, okm.length));
        Arrays.fill(okm, (byte) 0);
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionTicketSeed that && Arrays.equals(seed, that.seed) && period.equals(that.period);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(seed) + period.hashCode();
    }

    @Override
    public String toString() {
        return "SessionTicketSeed[seed=<redacted>, period=" + period + "]";
    }
}
