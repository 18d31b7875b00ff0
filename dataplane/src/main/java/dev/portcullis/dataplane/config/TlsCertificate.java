package dev.portcullis.dataplane.config;

/**
 * A certificate chain (leaf first) and its private key, both PEM.
 * {@link #toString()} never shows the key.
 */
public record TlsCertificate(String name, String certificateChainPem, String privateKeyPem) {

    @Override
    public String toString() {
        return "TlsCertificate[name=" + name
                + ", certificateChainPem=" + (certificateChainPem == null ? "null" : certificateChainPem.length() + " chars")
                + ", privateKeyPem=" + (privateKeyPem == null ? "null" : "<redacted>") + "]";
    }
}
