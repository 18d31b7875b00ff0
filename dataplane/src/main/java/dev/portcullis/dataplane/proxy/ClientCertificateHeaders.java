package dev.portcullis.dataplane.proxy;

import dev.portcullis.dataplane.tls.ClientCertificate;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * ingress-nginx's {@code ssl-client-*} request fields: what the pod of a host with
 * client-certificate authentication learns of the client's certificate. A client's own fields of
 * these names never reach any pod ({@link #removeFrom}), so a pod can trust them.
 */
final class ClientCertificateHeaders {

    static final AsciiString VERIFY = AsciiString.cached("ssl-client-verify");
    static final AsciiString SUBJECT = AsciiString.cached("ssl-client-subject-dn");
    static final AsciiString ISSUER = AsciiString.cached("ssl-client-issuer-dn");
    static final AsciiString CERTIFICATE = AsciiString.cached("ssl-client-cert");
    private static final List<AsciiString> ALL = List.of(VERIFY, SUBJECT, ISSUER, CERTIFICATE);

    private ClientCertificateHeaders() {
    }

    static void removeFrom(HttpHeaders headers) {
        for (AsciiString name : ALL) {
            headers.remove(name);
        }
    }

    /** The verification result, subject and issuer, and the certificate itself when the host passes it on. */
    static void set(HttpHeaders headers, ClientCertificate certificate, boolean passCertificate) {
        headers.set(VERIFY, certificate.verifyResult());
        if (certificate.leaf() != null) {
            headers.set(SUBJECT, certificate.subject());
            headers.set(ISSUER, certificate.issuer());
            if (passCertificate) {
                headers.set(CERTIFICATE, certificate.escapedPem());
            }
        }
    }
}
