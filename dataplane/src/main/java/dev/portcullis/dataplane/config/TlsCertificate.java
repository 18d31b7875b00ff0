package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A certificate chain (leaf first) and its private key, both PEM.
 * {@link #toString()} never shows the key.
 *
 * @param keepServing the control plane could not read this certificate (its source stopped parsing)
 *                    and has no good copy to send: the chain and key are absent, and every place that
 *                    names it (a host, the default certificate) keeps the certificate the data plane
 *                    serves there now; where it serves none of its own, the default certificate is
 *                    served. Left out of the JSON when false.
 */
public record TlsCertificate(String name, String certificateChainPem, String privateKeyPem,
                             @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean keepServing) {

    public TlsCertificate(String name, String certificateChainPem, String privateKeyPem) {
        this(name, certificateChainPem, privateKeyPem, false);
    }

    /** The marker: keep serving what is served now wherever {@code name} is named. */
    public static TlsCertificate keepServing(String name) {
        return new TlsCertificate(name, null, null, true);
    }

    @Override
    public String toString() {
        return "TlsCertificate[name=" + name
                + ", certificateChainPem=" + (certificateChainPem == null ? "null" : certificateChainPem.length() + " chars")
                + ", privateKeyPem=" + (privateKeyPem == null ? "null" : "<redacted>")
                + (keepServing ? ", keepServing" : "") + "]";
    }
}
