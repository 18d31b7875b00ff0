package dev.portcullis.dataplane.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Every request has an id, as ingress-nginx gives one: the client's {@code X-Request-ID} when it
 * sends a sane one (a tracing system upstream of us chose it), else 32 random hex digits. The pod
 * gets it in {@code X-Request-ID}; the proxy's own answers name it.
 */
final class RequestIds {

    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** The request's id, set in {@code headers} when it was missing or unusable. */
    static String assign(HttpHeaders headers) {
        String given = headers.get(X_REQUEST_ID);
        if (given != null && sane(given)) {
            return given;
        }
        String id = newId();
        headers.set(X_REQUEST_ID, id);
        return id;
    }

    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        long high = random.nextLong();
        long low = random.nextLong();
        for (int i = 0; i < 16; i++) {
            id[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
            id[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
        }
        return new String(id);
    }

    /** Visible ASCII, not too long: nothing a log line or a header could be broken with. */
    private static boolean sane(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
