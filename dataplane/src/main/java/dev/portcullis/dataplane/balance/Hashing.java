package dev.portcullis.dataplane.balance;

import java.net.InetSocketAddress;

/** 64-bit hashes for balancing: no allocation, well spread for similar inputs (neighbouring IPs, user ids). */
final class Hashing {

    private Hashing() {
    }

    /** SplitMix64's finalizer. */
    static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** FNV-1a over the characters, then mixed. */
    static long of(CharSequence text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return mix(hash);
    }

    /** A hash of the endpoint's address and port, the same in every process. */
    static long of(InetSocketAddress endpoint) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : endpoint.getAddress().getAddress()) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return mix(hash * 31 + endpoint.getPort());
    }
}
