package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;

/**
 * TLS Secrets already parsed by earlier translations, by name and content: parsing and checking a
 * certificate and key costs a millisecond or more, and a change to one Ingress must not re-parse
 * the certificates of thousands of others. A memo of a pure function (same content, same result),
 * so translation stays deterministic. One translation at a time uses it (the publisher's loop).
 *
 * <p>It also remembers, for each Secret and host, the last certificate that was good for it (parsed,
 * the right type, covering the host, within its dates): when an edit breaks the Secret, the host
 * keeps that certificate rather than falling back to the default one. This is the one piece of
 * translation that depends on history; it lives here, in the operator, so that every data plane
 * (and one that restarts) gets the same kept certificate in its snapshot. What a translation no
 * longer asks about (a Secret deleted or no longer referenced) is forgotten.
 */
public final class ParsedSecrets {

    private Map<String, Object> byContent = new HashMap<>();
    private Map<String, Object> usedNow = new HashMap<>();
    private Map<String, Object> lastGood = new HashMap<>();
    private Map<String, Object> lastGoodNow = new HashMap<>();
    private int parses;

    public ParsedSecrets() {
    }

    /**
     * A memo that starts with another's last good certificates (a new IngressClass stream starts
     * with what the all-classes stream already remembers), and parses afresh.
     */
    public static ParsedSecrets rememberingFrom(ParsedSecrets other) {
        ParsedSecrets memo = new ParsedSecrets();
        if (other != null) {
            memo.lastGood = new HashMap<>(other.lastGood);
        }
        return memo;
    }

    /** The last parse that was good for this Secret and purpose (a host, or the default certificate), if any. */
    @SuppressWarnings("unchecked")
    <T> T lastGood(String secretAndPurpose) {
        Object good = lastGoodNow.containsKey(secretAndPurpose) ? lastGoodNow.get(secretAndPurpose)
                : lastGood.get(secretAndPurpose);
        if (good != null) {
            lastGoodNow.put(secretAndPurpose, good);
        }
        return (T) good;
    }

    /** This parse is good for the Secret and purpose: remember it as the one to keep if the Secret breaks. */
    void good(String secretAndPurpose, Object parsed) {
        lastGoodNow.put(secretAndPurpose, parsed);
    }

    /** The parse of this Secret's certificate and key, computed once per content. */
    @SuppressWarnings("unchecked")
    <T> T get(String namespace, String name, Secret secret, Supplier<T> parse) {
        String key = namespace + "/" + name + "#" + digest(secret);
        Object parsed = byContent.get(key);
        if (parsed == null) {
            parsed = parse.get();
            parses++;
        }
        usedNow.put(key, parsed);
        return (T) parsed;
    }

    /** A translation is done: forget what it did not use (deleted or changed Secrets). */
    void translationDone() {
        byContent = usedNow;
        usedNow = new HashMap<>();
        lastGood = lastGoodNow;
        lastGoodNow = new HashMap<>();
    }

    /** How many Secrets were parsed rather than found (for tests and metrics). */
    public int parses() {
        return parses;
    }

    int size() {
        return byContent.size();
    }

    private static String digest(Secret secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[]{String.valueOf(secret.getType()), raw(secret, "tls.crt"), raw(secret, "tls.key")}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String raw(Secret secret, String key) {
        for (Map<String, String> values : java.util.Arrays.asList(secret.getData(), secret.getStringData())) {
            if (values != null && values.get(key) != null) {
                return values.get(key);
            }
        }
        return "";
    }
}
