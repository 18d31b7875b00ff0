package dev.portcullis.dataplane.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A parsed certificate chain, leaf first, and the leaf's private key. The leaf's notAfter is read
 * once: every configuration compiled asks it of every certificate served (the expiry gauges), and
 * the JDK's certificate hands out a new Date each time.
 */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain, Instant notAfter) {

    public KeyMaterial {
        chain = List.copyOf(chain);
    }

    public KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {
        this(privateKey, chain, chain.getFirst().getNotAfter().toInstant());
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    @Override
    public String toString() {
        return "KeyMaterial[leaf=" + leaf().getSubjectX500Principal() + ", chain=" + chain.size()
                + " certificates, privateKey=<redacted>]";
    }
}
