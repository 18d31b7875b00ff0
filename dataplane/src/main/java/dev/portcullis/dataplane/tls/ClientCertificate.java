package dev.portcullis.dataplane.tls;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.security.auth.x500.X500Principal;

/**
 * What a connection's client showed and how it fared against its host's CAs, in the terms of
 * ingress-nginx's {@code ssl-client-*} headers.
 *
 * @param failure why verification failed, or {@code null}
 * @param leaf    the client's certificate, or {@code null} when it showed none
 */
public record ClientCertificate(Status status, String failure, X509Certificate leaf) {

    public enum Status { SUCCESS, FAILED, NONE }

    public static final ClientCertificate NONE = new ClientCertificate(Status.NONE, null, null);

    /** {@code SUCCESS}, {@code NONE} or {@code FAILED:reason}, as nginx's {@code $ssl_client_verify}. */
    public String verifyResult() {
        return status == Status.FAILED ? "FAILED:" + failure : status.name();
    }

    /** The subject in RFC 2253 form (nginx's {@code $ssl_client_s_dn}), or empty. */
    public String subject() {
        return leaf == null ? "" : leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    public String issuer() {
        return leaf == null ? "" : leaf.getIssuerX500Principal().getName(X500Principal.RFC2253);
    }

    /** The certificate as URL-encoded PEM (nginx's {@code $ssl_client_escaped_cert}), or empty. */
    public String escapedPem() {
        if (leaf == null) {
            return "";
        }
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(leaf.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return URLEncoder.encode(pem, StandardCharsets.US_ASCII).replace("+", "%20");
        } catch (CertificateEncodingException e) {
            return "";
        }
    }
}
