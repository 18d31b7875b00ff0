package dev.portcullis.dataplane.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A certificate chain (leaf first) with its private key, as a CA issued it. */
public record IssuedCertificate(List<X509Certificate> chain, PrivateKey privateKey) {

    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    public String chainPem() {
        return Pem.certificates(chain);
    }

    /** The key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPem() {
        return Pem.privateKey(privateKey);
    }

    public KeyMaterial keyMaterial() {
        return new KeyMaterial(privateKey, chain);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[leaf=" + leaf().getSubjectX500Principal() + ", privateKey=<redacted>]";
    }
}
