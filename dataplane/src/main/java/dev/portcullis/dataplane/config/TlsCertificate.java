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
 * @param ocspResponse a DER OCSPResponse (base64) for the leaf that the operator fetched from its
 *                     responder and checked: data planes staple it to handshakes whose client asks
 *                     for status. Left out of the JSON when null.
 */
public record TlsCertificate(String name, String certificateChainPem, String privateKeyPem,
                             @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean keepServing,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String ocspResponse) {

    /** The most a staple may weigh (base64): real responses are 1 to 4 KiB. */
    public static final int MAX_OCSP_RESPONSE_CHARS = 16 * 1024;

    public TlsCertificate(String name, String certificateChainPem, String privateKeyPem, boolean keepServing) {
        this(name, certificateChainPem, privateKeyPem, keepServing, null);
    }

    public TlsCertificate(String name, String certificateChainPem, String privateKeyPem) {
        this(name, certificateChainPem, privateKeyPem, false);
    }

    /** This certificate with an OCSP response to staple (base64 DER), or none when null. */
    public TlsCertificate withOcspResponse(String ocspResponseBase64) {
        return new TlsCertificate(name, certificateChainPem, privateKeyPem, keepServing, ocspResponseBase64);
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
                + (keepServing ? ", keepServing" : "")
                + (ocspResponse == null ? "" : ", ocspResponse=" + ocspResponse.length() + " chars") + "]";
    }
}
