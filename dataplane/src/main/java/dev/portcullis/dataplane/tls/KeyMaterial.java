package dev.portcullis.dataplane.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A certificate chain, leaf first, and the leaf's private key: parsed, or {@linkplain #compact()
 * compact}, holding only their DER encodings (about a kilobyte for an ECDSA leaf and key, against
 * some 4.5 KB of parsed objects; at 10,000 served certificates that is most of a data plane's heap).
 * A compact one parses again when asked for {@link #chain()} or {@link #privateKey()}: the served
 * path asks for neither but on the JDK provider (once per context) and in messages, and hands
 * BoringSSL the encodings ({@link #chainPem()}, {@link #privateKeyPem()}). The leaf's notAfter is
 * read once: every configuration compiled asks it of every certificate served (the expiry gauges).
 */
public final class KeyMaterial {

    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final Instant notAfter;
    private final byte[][] chainDer;
    private final byte[] privateKeyDer;
    private final String keyAlgorithm;

    public KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain, Instant notAfter) {
        this(privateKey, List.copyOf(chain), notAfter, null, null, null);
    }

    public KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {
        this(privateKey, chain, chain.getFirst().getNotAfter().toInstant());
    }

    private KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain, Instant notAfter, byte[][] chainDer,
                        byte[] privateKeyDer, String keyAlgorithm) {
        this.privateKey = privateKey;
        this.chain = chain;
        this.notAfter = notAfter;
        this.chainDer = chainDer;
        this.privateKeyDer = privateKeyDer;
        this.keyAlgorithm = keyAlgorithm;
    }

    /**
     * The same chain and key as DER encodings only, or this one when it already is or when its key
     * has no PKCS#8 encoding (a key in hardware) to parse again from.
     */
    public KeyMaterial compact() {
        if (chain == null || !"PKCS#8".equals(privateKey.getFormat()) || privateKey.getEncoded() == null) {
            return this;
        }
        return new KeyMaterial(null, null, notAfter, encodedChain(), privateKey.getEncoded(), privateKey.getAlgorithm());
    }

    public PrivateKey privateKey() {
        if (privateKey != null) {
            return privateKey;
        }
        try {
            return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(privateKeyDer));
        } catch (GeneralSecurityException e) {
            // It was parsed from this very encoding when this object was made.
            throw new IllegalStateException("a " + keyAlgorithm + " key that parsed before does not parse again", e);
        }
    }

    public List<X509Certificate> chain() {
        if (chain != null) {
            return chain;
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> parsed = new ArrayList<>(chainDer.length);
            for (byte[] der : chainDer) {
                parsed.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
            return List.copyOf(parsed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a certificate that parsed before does not parse again", e);
        }
    }

    public X509Certificate leaf() {
        return chain().getFirst();
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** The chain as PEM text, one CERTIFICATE block per certificate, leaf first. */
    public byte[] chainPem() {
        StringBuilder pem = new StringBuilder();
        for (byte[] der : encodedChain()) {
            pem.append(Pem.block("CERTIFICATE", der));
        }
        return pem.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The key as a PKCS#8 PRIVATE KEY block: key material, for BoringSSL only; the caller zeroes it after use. */
    public byte[] privateKeyPem() {
        byte[] der = encodedKey();
        byte[] base64 = Pem.BASE64.encode(der); // bytes, not a String, so that it can be zeroed
        byte[] begin = "-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] pem = new byte[begin.length + base64.length + end.length];
        System.arraycopy(begin, 0, pem, 0, begin.length);
        System.arraycopy(base64, 0, pem, begin.length, base64.length);
        System.arraycopy(end, 0, pem, begin.length + base64.length, end.length);
        Arrays.fill(base64, (byte) 0);
        if (der != privateKeyDer) {
            Arrays.fill(der, (byte) 0);
        }
        return pem;
    }

    private byte[][] encodedChain() {
        if (chainDer != null) {
            return chainDer;
        }
        try {
            byte[][] encoded = new byte[chain.size()][];
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = chain.get(i).getEncoded();
            }
            return encoded;
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] encodedKey() {
        return privateKeyDer != null ? privateKeyDer : privateKey.getEncoded();
    }

    /** The same chain and key, by their encodings (parsed or compact alike). */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        return other instanceof KeyMaterial material && notAfter.equals(material.notAfter)
                && Arrays.deepEquals(encodedChain(), material.encodedChain())
                && Arrays.equals(encodedKey(), material.encodedKey());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encodedChain()[0]);
    }

    @Override
    public String toString() {
        return "KeyMaterial[leaf=" + leaf().getSubjectX500Principal() + ", chain=" + encodedChain().length
                + " certificates, privateKey=<redacted>]";
    }
}
