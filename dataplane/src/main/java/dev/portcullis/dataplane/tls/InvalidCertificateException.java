package dev.portcullis.dataplane.tls;

/** A certificate or key that cannot be served; the message never contains key material. */
public class InvalidCertificateException extends RuntimeException {
    public InvalidCertificateException(String message) {
        super(message);
    }
}
